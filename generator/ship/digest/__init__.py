"""The email digest (`milepost notify`): what needs the client and what changed, sent once.

`content` works out what a digest says, from the public model, what it is compared with and
a date; `render` lays it out as text and HTML from the templates in `content/email/`;
`headers` makes the addresses every mail server takes and every reader finds exactly;
`send` makes the message and hands it to an SMTP relay (or writes it to a file); `memory`
is what git remembers of the digests sent; `notify` runs them for each client.
"""
