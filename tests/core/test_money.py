"""Rupiah as people type them: every form read, with its exact value; every refused form, with its reason."""

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.validators import Optional

from goi.core.forms import RupiahField
from goi.core.money import MAX_RUPIAH, RupiahError, group_thousands, parse_rupiah

ACCEPTED = [
    ("480000000", 480_000_000),
    ("480.000.000", 480_000_000),
    ("Rp 480.000.000", 480_000_000),
    ("Rp480.000.000", 480_000_000),
    ("Rp. 480.000.000", 480_000_000),
    ("rp.480.000.000", 480_000_000),
    ("RP 480000000", 480_000_000),
    ("IDR 480.000.000", 480_000_000),
    ("idr480000000", 480_000_000),
    ("  480.000.000  ", 480_000_000),
    ("480 000 000", 480_000_000),
    ("480\u00a0000\u00a0000", 480_000_000),  # grouped by no-break spaces, as copied from a formatted page
    ("480.000.000,00", 480_000_000),
    ("480.000.000,-", 480_000_000),
    ("Rp 480.000,-", 480_000),
    ("480000000,00", 480_000_000),
    ("480000000.00", 480_000_000),
    ("1.500", 1_500),  # a dot groups thousands: one thousand five hundred
    ("1.000.000.000.000.000", MAX_RUPIAH),
    ("0", 0),
    ("480,000,000", 480_000_000),  # English grouping: more than one comma, every group of three
    ("1,000,000.00", 1_000_000),
    ("480 juta", 480_000_000),
    ("480juta", 480_000_000),
    ("480 JUTA", 480_000_000),
    ("480 jt", 480_000_000),
    ("480 jt.", 480_000_000),
    ("2,75 juta", 2_750_000),
    ("1.500 juta", 1_500_000_000),
    ("1.5 juta", 1_500_000),  # one dot before other than three digits is a decimal point
    ("500 ribu", 500_000),
    ("500rb", 500_000),
    ("500k", 500_000),
    ("1,5 miliar", 1_500_000_000),
    ("1,5 milyar", 1_500_000_000),
    ("Rp 1,5 M", 1_500_000_000),
    ("480 M", 480_000_000_000),
    ("1 triliun", 10**12),
    ("2,5 T", 2_500_000_000_000),
    ("1000 T", MAX_RUPIAH),
    ("480 juta rupiah", 480_000_000),
    ("480.000.000 rupiah", 480_000_000),
    ("1.5 billion", 1_500_000_000),
    ("1,5 billion", 1_500_000_000),
    ("2bn", 2_000_000_000),
    ("750 million", 750_000_000),
    ("250 thousand", 250_000),
    ("2.5m", 2_500_000),  # 'm' after a decimal point: million
    ("0,5 juta", 500_000),
]

NOT_AN_AMOUNT = "Write an amount in rupiah, for example 480.000.000 or 480 juta."
GROUPING = "Separate thousands in groups of three digits with one kind of separator, for example 480.000.000."
MIXED = "Dots and commas are mixed up: write for example 480.000.000, or 1,5 miliar with a decimal comma."
FRACTION = (
    "An amount is a whole number of rupiah: write 480.000.000, or add a unit such as juta or miliar (1,5 miliar)."
)
COMMA = (
    "A single comma before three digits is ambiguous (1,500 could be 1.500 or 1,5): use dots between thousands, "
    "as in 1.500, and a comma only for decimals, as in 1,5 juta."
)
ENGLISH_DOT = (
    "A dot before three digits is ambiguous with an English word: write 1.5 billion for a decimal point, or "
    "1.500 miliar for thousands."
)
NEGATIVE = "An amount cannot be negative."
TOO_LARGE = "That is more than Rp 1.000.000.000.000.000, the largest amount accepted."
TOO_PRECISE = "That comes to a fraction of a rupiah: use fewer decimals."


def letter(letter: str) -> str:
    return f"Here “{letter}” could mean miliar or million: write the word, for example 1,5 miliar or 1.5 million."


def unknown(word: str) -> str:
    return f"“{word}” is not a unit we know: use ribu, juta, miliar or triliun (or thousand, million, billion)."


REFUSED = [
    ("", NOT_AN_AMOUNT),
    ("Rp", NOT_AN_AMOUNT),
    ("empat ratus juta", NOT_AN_AMOUNT),
    ("480.000.000.", NOT_AN_AMOUNT),
    ("480.000-", NOT_AN_AMOUNT),
    ("1" * 101, NOT_AN_AMOUNT),
    ("48.00.000", GROUPING),
    ("4800.000", GROUPING),
    ("480..000", GROUPING),
    ("48,00,000", GROUPING),
    ("48 00 000", GROUPING),
    ("480 000.000", GROUPING),
    ("480,000.000", MIXED),
    ("480.000,000", MIXED),
    ("1,5.000", MIXED),
    ("1,5", FRACTION),
    ("1.5", FRACTION),
    ("480.000.000,50", FRACTION),
    ("1,500", COMMA),
    ("480,000", COMMA),
    ("1,500 juta", COMMA),
    ("1.500 billion", ENGLISH_DOT),
    ("-480.000", NEGATIVE),
    ("−480.000", NEGATIVE),  # the minus sign, not a hyphen
    ("Rp -480.000", NEGATIVE),
    ("-Rp 480.000", NEGATIVE),
    ("1.000.000.000.000.001", TOO_LARGE),
    ("99999999999999999999", TOO_LARGE),
    ("1001 T", TOO_LARGE),
    ("1,0000005 juta", TOO_PRECISE),
    ("1.5M", letter("M")),
    ("480m", letter("m")),
    ("1,5 m", letter("m")),
    ("480 kg", unknown("kg")),
    ("5 t", unknown("t")),
]


@pytest.mark.parametrize(("text", "amount"), ACCEPTED)
def test_accepted_forms_give_their_exact_amount(text, amount):
    result = parse_rupiah(text)
    assert result == amount and type(result) is int


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_refused_forms_say_why(text, reason):
    with pytest.raises(RupiahError) as refusal:
        parse_rupiah(text)
    assert str(refusal.value) == reason
    assert isinstance(refusal.value, ValueError)


def test_amounts_are_grouped_by_dots_and_read_back():
    for amount in (0, 999, 1_500, 480_000_000, MAX_RUPIAH):
        assert parse_rupiah(group_thousands(amount)) == amount
    assert group_thousands(1_500_000_000) == "1.500.000.000"


class BudgetForm(Form):
    budget = RupiahField("Budget", validators=[Optional()])


def test_the_field_shows_a_value_grouped_and_refused_text_as_typed():
    assert BudgetForm(data={"budget": 480_000_000}).budget._value() == "480.000.000"
    read = BudgetForm(MultiDict({"budget": "1,5 miliar"}))
    assert read.validate() and read.budget.data == 1_500_000_000
    assert read.budget._value() == "1.500.000.000"
    refused = BudgetForm(MultiDict({"budget": "48.00.000"}))
    assert not refused.validate()
    assert refused.budget.data is None and refused.budget.errors == [GROUPING]
    html = refused.budget()
    assert 'type="text"' in html and 'value="48.00.000"' in html
    emptied = BudgetForm(MultiDict({"budget": " "}), data={"budget": 480_000_000})
    assert emptied.validate() and emptied.budget.data is None
