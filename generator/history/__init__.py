"""Versions from git and what changed between them."""
