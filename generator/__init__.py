"""Milepost: publish each client's project record (roadmap, decisions, sign-offs) as a site."""

__version__ = "0.1.0"
