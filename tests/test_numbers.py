"""One number formatter and one plural helper, for every page, feed and message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.numbers import days, money, number, percent, plural, possessive, signed


@pytest.mark.parametrize(("value", "shown"), [
    (2.05, "2.05"), (1.025, "1.03"), (14.0, "14"), (0.5, "0.5"), (1234567.5, "1,234,567.5"),
    (148000, "148,000"), (2.004, "2"), (0, "0"), (-3, "\u22123"), (10**30, f"{10**30:,}"),
])
def test_number_rounds_half_up_drops_trailing_zeros_and_groups_thousands(value, shown):
    assert number(value) == shown


def test_money_shows_cents_only_where_there_are_any():
    assert money(48000, "EUR") == "48,000 EUR"
    assert money(12345.5, "EUR") == "12,345.50 EUR"
    assert money(2050.004, "GBP") == "2,050 GBP"
    assert money(3600, "") == "3,600"


def test_plural_agrees_with_the_number_as_shown():
    assert days(1) == "1 day" and days(1.0) == "1 day" and days(1.001) == "1 day"
    assert days(0) == "0 days" and days(0.5) == "0.5 days" and days(2.05) == "2.05 days"
    assert plural(1, "item needs", "items need") == "1 item needs"
    assert plural(3, "item needs", "items need") == "3 items need"
    assert days(14, sign=True) == "+14 days" and days(-1, sign=True) == "\u22121 day"


def test_signed_and_percent():
    assert signed(5) == "+5" and signed(-3) == "\u22123" and signed(0) == "0"
    assert signed(1.025) == "+1.03"
    assert percent(83600, 148000) == "56%" and percent(5, 0) == "0%"


def test_a_name_ending_in_s_takes_the_apostrophe_alone():
    """Before: "Crumb & Co Bakeries's site"."""
    assert possessive("Crumb & Co Bakeries") == "Crumb & Co Bakeries'"
    assert possessive("Northwind Bakery ") == "Northwind Bakery's"
    assert possessive("HARBOR WORKS") == "HARBOR WORKS'"
    assert possessive("M3") == "M3's"


def test_every_possessive_made_from_a_value_goes_through_the_helper():
    """A possessive glued to a value ("{name}'s") would say "Bakeries's" again."""
    root = Path(__file__).resolve().parent.parent
    glued = re.compile(r"\}\}?['’]s\b")
    found = [f"{path.relative_to(root)}:{k}" for folder in ("generator", "content")
             for path in sorted((root / folder).rglob("*")) if path.suffix in (".py", ".j2")
             for k, line in enumerate(path.read_text("utf-8").splitlines(), 1)
             if glued.search(line)]
    assert found == []
