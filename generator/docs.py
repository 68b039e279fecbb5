"""Keeps README's field reference in step with `records.py`: `python -m generator.docs`."""

from __future__ import annotations

import re
from pathlib import Path

from generator.schema import format_reference

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"(<!-- format:start -->\n).*?(<!-- format:end -->)", re.S)


def readme_with_reference(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + format_reference() + m.group(2), text)


if __name__ == "__main__":
    README.write_text(readme_with_reference(README.read_text(encoding="utf-8")),
                      encoding="utf-8")
    print(f"updated {README.name}")
