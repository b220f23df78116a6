"""Amounts of rupiah as people type them ('480.000.000', 'Rp 480 juta', '1,5 miliar'), and grouped for display.

How parse_rupiah reads a number:

- Dots group thousands, the Indonesian way: '480.000.000', and '1.500' is one thousand five hundred. Spaces may
  group them too ('480 000 000'). Groups after the first have three digits.
- A comma starts the decimals: '1,5 miliar' is 1.500.000.000; '480.000.000,00' and '480.000.000,-' are whole.
  A comma followed by exactly three digits is refused ('1,500' could be 1.500 or 1,5), except in English grouping
  with more than one comma ('480,000,000').
- A dot followed by other than three digits is a decimal point ('1.5 juta', '1.5 billion').
- With dots and commas, the last one is the decimal separator ('1.500,5 juta', '1,000,000.00'); three digits after
  it are refused as mixed grouping ('480,000.000').
- An amount with decimals is accepted when a unit makes it whole ('1,5 juta'); on its own ('1,5') it is refused
  as a fraction of a rupiah. Units: ribu/rb, juta/jt, miliar/milyar/M, triliun/trilyun/T, k, and English
  thousand, million, billion/bn, trillion and m. 'Rp', 'Rp.' or 'IDR' may come first, 'rupiah' last.
- The single letters are ambiguous: 'M' is miliar in Indonesian and million in English. 'M' is read as miliar
  ('1,5 M', '480 M'), except after a decimal point ('1.5M', refused); 'm' is read as million only after a decimal
  point ('1.5m'), and refused elsewhere ('480m'). With an English word a single dot before three digits is
  refused ('1.500 billion').

A minus sign and amounts above MAX_RUPIAH are refused. Arithmetic is exact, on integers (the digits and the power
of ten of the unit), never on a float.
"""

import re

from flask_babel import lazy_gettext as _l

# Whole rupiah in a 64-bit column; a quadrillion is far above any city budget.
MAX_RUPIAH = 10**15
# The powers of ten of units, by their lowercase spelling; single letters are told apart by case.
ENGLISH_UNITS = {"thousand": 3, "million": 6, "billion": 9, "bn": 9, "trillion": 12}
UNITS = {
    "ribu": 3,
    "rb": 3,
    "k": 3,
    "juta": 6,
    "jt": 6,
    "miliar": 9,
    "milyar": 9,
    "triliun": 12,
    "trilyun": 12,
    **ENGLISH_UNITS,
    # The currency after the number: '480.000 rupiah', '480 juta rupiah'.
    "rupiah": 0,
    "rp": 0,
    "idr": 0,
}
LETTER_UNITS = {"M": 9, "T": 12, "m": 6}

CURRENCY = re.compile(r"(?:rp\.?|idr)\s*", re.IGNORECASE)
# A number, then ',-' (no cents) or a unit, then the currency may follow: '480 juta rupiah'.
AMOUNT = re.compile(
    r"(?P<number>[0-9](?:[0-9., ]*[0-9])?)(?:\s*,\s*-|\s*(?P<unit>[^\W\d_]+)\.?)?(?:\s*(?i:rupiah|rp|idr)\.?)?"
)
# Digits, plain or grouped by threes with one separator throughout.
WHOLE = re.compile(r"[0-9]+|[0-9]{1,3}(?P<separator>[., ])[0-9]{3}(?:(?P=separator)[0-9]{3})*")
LONGEST_TEXT = 100


class RupiahError(ValueError):
    """An amount parse_rupiah refuses; reason is translated text for the user."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return str(self.reason)


def _not_an_amount() -> RupiahError:
    return RupiahError(_l("Write an amount in rupiah, for example 480.000.000 or 480 juta."))


def _bad_grouping() -> RupiahError:
    return RupiahError(
        _l("Separate thousands in groups of three digits with one kind of separator, for example 480.000.000.")
    )


def parse_rupiah(text: str) -> int:
    """The whole number of rupiah text stands for, from 0 to MAX_RUPIAH; RupiahError says why text is refused."""
    text = " ".join(text.split())
    if len(text) > LONGEST_TEXT:
        raise _not_an_amount()
    negative, text = _without_currency(text)
    match = AMOUNT.fullmatch(text)
    if match is None:
        raise _not_an_amount()
    if negative:
        raise RupiahError(_l("An amount cannot be negative."))
    whole, fraction, style = _split(match["number"])
    exponent = _unit_exponent(match["unit"], style)
    if WHOLE.fullmatch(whole) is None or not (fraction.isdigit() or fraction == ""):
        raise _bad_grouping()
    digits = re.sub(r"[., ]", "", whole).lstrip("0")
    if len(digits) > len(str(MAX_RUPIAH)):
        raise _too_large()
    scaled = int((digits or "0") + fraction) * 10**exponent
    amount, rest = divmod(scaled, 10 ** len(fraction))
    if rest and exponent == 0:
        raise RupiahError(
            _l(
                "An amount is a whole number of rupiah: write 480.000.000, or add a unit such as juta or miliar "
                "(1,5 miliar)."
            )
        )
    if rest:
        raise RupiahError(_l("That comes to a fraction of a rupiah: use fewer decimals."))
    if amount > MAX_RUPIAH:
        raise _too_large()
    return amount


def group_thousands(amount: int) -> str:
    """'1.500.000.000': Indonesian digit grouping, which parse_rupiah reads back in either language."""
    return f"{amount:,}".replace(",", ".")


def _without_currency(text: str) -> tuple[bool, str]:
    """Whether text has a minus sign before its digits, and text without the sign and an Rp or IDR prefix."""
    negative = text[:1] in ("-", "−")
    text = text[1:].lstrip() if negative else text
    currency = CURRENCY.match(text)
    if currency:
        text = text[currency.end() :]
    if text[:1] in ("-", "−"):
        negative, text = True, text[1:].lstrip()
    return negative, text


def _split(number: str) -> tuple[str, str, str]:
    """The whole part, the decimals and the style of a number: 'plain', 'indonesian', 'english' (a decimal point
    or commas between thousands) or 'dot_thousand' (one dot before three digits, as in '1.500')."""
    dots, commas = number.count("."), number.count(",")
    if dots and commas:
        decimal = "," if number.rfind(",") > number.rfind(".") else "."
        whole, fraction = number.rsplit(decimal, 1)
        if decimal in whole or len(fraction) == 3:
            raise RupiahError(
                _l("Dots and commas are mixed up: write for example 480.000.000, or 1,5 miliar with a decimal comma.")
            )
        return whole, fraction, "indonesian" if decimal == "," else "english"
    if commas == 1:
        whole, fraction = number.split(",")
        if len(fraction) == 3:
            raise RupiahError(
                _l(
                    "A single comma before three digits is ambiguous (1,500 could be 1.500 or 1,5): use dots between "
                    "thousands, as in 1.500, and a comma only for decimals, as in 1,5 juta."
                )
            )
        return whole, fraction, "indonesian"
    if dots == 1 and len(number.partition(".")[2]) != 3:
        whole, fraction = number.split(".")
        return whole, fraction, "english"
    if dots:
        return number, "", "dot_thousand" if dots == 1 else "indonesian"
    return number, "", "english" if commas else "plain"


def _unit_exponent(unit: str | None, style: str) -> int:
    """The power of ten unit stands for after a number of that style (0 without a unit)."""
    if unit is None:
        return 0
    if unit in LETTER_UNITS:
        if (unit == "M" and style == "english") or (unit == "m" and style != "english"):
            raise RupiahError(
                _l(
                    "Here “%(letter)s” could mean miliar or million: write the word, for example 1,5 miliar or "
                    "1.5 million.",
                    letter=unit,
                )
            )
        return LETTER_UNITS[unit]
    name = unit.lower()
    if name in ENGLISH_UNITS and style == "dot_thousand":
        raise RupiahError(
            _l(
                "A dot before three digits is ambiguous with an English word: write 1.5 billion for a decimal "
                "point, or 1.500 miliar for thousands."
            )
        )
    exponent = UNITS.get(name)
    if exponent is None:
        raise RupiahError(
            _l(
                "“%(word)s” is not a unit we know: use ribu, juta, miliar or triliun (or thousand, million, billion).",
                word=unit,
            )
        )
    return exponent


def _too_large() -> RupiahError:
    return RupiahError(
        _l("That is more than Rp %(amount)s, the largest amount accepted.", amount=group_thousands(MAX_RUPIAH))
    )
