"""How a built site reaches the client: who may see it (access) and the web servers that
serve it to them, and nobody else (host)."""
