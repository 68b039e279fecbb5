"""The agency's own view: every client at a glance, internal records and notes included.

Only `milepost build --agency` (and `publish`, `serve --agency`) comes here. It takes each
client as the build read it, keeping what the client path drops, and writes `DIR/_agency/`
beside the client sites, never inside one. Commands that never build it import only this
name, not the wing.
"""

FOLDER = "_agency"   # beside the client folders; no client slug can start with '_'
