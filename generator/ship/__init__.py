"""How a built site and its news reach the client: who may see it (access), the web servers
that serve it to them and nobody else (host), publishing, the preview, CI pipelines, and
the email digest (digest/)."""
