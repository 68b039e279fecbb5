"""What the project is: the typed model built from a client's records, reading a client's
folder into it, and what follows from it for a date (status, lateness, what waits on whom).
No wording: what a reader is told lives with the pages (`site`), the digest and the
agency's view."""
