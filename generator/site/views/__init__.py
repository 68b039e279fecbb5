"""What each page shows, worked out in Python: one small view per page, a module per page
(or small family of pages) beside `shared`, which holds what several pages use.

A view is built by a pure function of the public project, the day the site is built for and
the version being built. It does all the computing a page needs (filtering, sorting,
counting, cutting lists, totals, the answer links) and gives every date, amount and number
as the text a client reads (through `generator.numbers` and `generator.site.wording`).
Templates then only lay it out: they loop, branch on a field and print it, and their
wording stays theirs. A template is given its view and the layout helpers, nothing else.

Text from YAML stays data here: views hold plain strings, and the templates' printing
escapes them (see `render._finalize`). Markdown fields are kept as written, for the
template's `rich(...)` to render safely; a view holds `Markup` only for what Milepost
draws itself (the timeline, the answer links).

The page builders are named here, so `views.overview(p, today, version)` reads as before.
"""

from generator.site.views.changes import changes
from generator.site.views.decisions import decision, decision_pages, decisions
from generator.site.views.feedback import feedback
from generator.site.views.glossary import glossary
from generator.site.views.overview import overview
from generator.site.views.risks import risks
from generator.site.views.roadmap import roadmap
from generator.site.views.signoffs import signoffs
from generator.site.views.team import team
from generator.site.views.updates import update_months, updates
from generator.site.views.waiting import waiting
from generator.site.views.what_changed import what_changed

__all__ = ["changes", "decision", "decision_pages", "decisions", "feedback", "glossary",
           "overview", "risks", "roadmap", "signoffs", "team", "update_months", "updates",
           "waiting",
           "what_changed"]
