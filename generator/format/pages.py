"""The pages every client site writes, by title and path.

They belong to the format because they reserve names: a decision ID becomes a page
(`decision_page`), and a version becomes a folder beside these pages, so neither may take
one of their names. The site lays the pages out in this order in its navigation.
"""

from __future__ import annotations

# Title and path of each page kind, in the navigation's order.
NAV = [
    ("Overview", "index.md"),
    ("What changed", "what-changed.md"),
    ("Waiting on you", "waiting.md"),
    ("Roadmap", "roadmap.md"),
    ("Decisions", "decisions/index.md"),
    ("Sign-offs", "signoffs.md"),
    ("Scope changes", "changes.md"),
    ("Risks", "risks.md"),
    ("Updates", "updates/index.md"),
    ("Your feedback", "feedback.md"),
    ("Team & communication", "team.md"),
    ("Glossary", "glossary.md"),
]


def decision_page(decision_id: str) -> str:
    return f"decisions/{decision_id.lower()}.md"
