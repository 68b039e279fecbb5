"""Numbers as a reader sees them: one formatter for amounts and days, one plural helper,
and the one possessive ("Bakeries'", not "Bakeries's").

Every number on a client's page, in What changed, in the calendar feed and in a validation
message goes through here, so an estimate of 2.05 days reads "2.05 days" (not "25 days")
and a total of one day reads "1 day" (not "1 days"). Pure functions, no imports from the
rest of Milepost: every stage may use them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

MINUS = "\u2212"  # a real minus sign: a hyphen reads as a dash in running text


def _rounded(value: float | Decimal, places: int) -> Decimal:
    """`value` rounded half up to `places` decimals, as the PM wrote it: str() of a float is
    its shortest form, so 1.025 rounds to 1.03, not to binary 1.02499…"""
    exact = Decimal(str(value))
    # Enough digits for any amount validation lets through (the default context has 28).
    context = Context(prec=max(28, exact.adjusted() + places + 2), rounding=ROUND_HALF_UP)
    return exact.quantize(Decimal(1).scaleb(-places), context=context)


def _with_sign(rounded: Decimal, places: int) -> str:
    text = f"{abs(rounded):,.{places}f}"
    return (MINUS if rounded < 0 else "") + text


def number(value: float | Decimal, places: int = 2) -> str:
    """1,234.5: thousands separated by commas (as budgets have always been shown), at most
    `places` decimals, no trailing zeros, a real minus sign."""
    rounded = _rounded(value, places)
    text = _with_sign(rounded, places)
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(amount: float, currency: str) -> str:
    """48,000 EUR; cents only where there are any (12,345.50 EUR, never 12,345.5 EUR)."""
    cents = _rounded(amount, 2)
    places = 0 if cents == cents.to_integral_value() else 2
    return f"{_with_sign(cents, places)} {currency}".strip()


def plural(n: float, one: str, many: str | None = None, *, sign: bool = False) -> str:
    """'1 day', '2 days', '0.5 days'; `many` for irregular words ('1 item needs', '2 items
    need'); `sign` for a difference ('+14 days', '−1 day'). The word agrees with the number
    as shown: 1.001 shows as '1', so '1 day'."""
    size = number(abs(n))
    word = one if size == "1" else (many or one + "s")
    return f"{signed(n) if sign else number(n)} {word}"


def days(n: float, *, sign: bool = False) -> str:
    """'1 day', '14 days', '2.05 days'; with `sign`, '+14 days' or '−3 days'."""
    return plural(n, "day", sign=sign)


def signed(n: float) -> str:
    """+5, −3 or 0: a difference against plan, with a real minus sign."""
    shown = number(n)
    return shown if shown == "0" or shown.startswith(MINUS) else f"+{shown}"


def percent(part: float, whole: float) -> str:
    """56%: the share of `part` in `whole`, in whole percent (0% when there is no whole)."""
    return number(part / whole * 100 if whole else 0, 0) + "%"


def possessive(name: str) -> str:
    """"Northwind Bakery's", "Crumb & Co Bakeries'", "M3's": a name ending in s takes the
    apostrophe alone. Every possessive made from a name or an ID goes through here."""
    name = name.rstrip()
    return name + ("'" if name.endswith(("s", "S")) else "'s")
