"""The agency's own view: every client at a glance, internal records and notes included.

Only `milepost build --agency` (and `publish`, `serve --agency`) comes here. It reads the
client folders a second time, keeping what the client path drops, and writes `DIR/_agency/`
beside the client sites, never inside one.
"""
