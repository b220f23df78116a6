"""QuickSelect writes exactly the HTML of WTForms' own select widget, only faster."""

from markupsafe import Markup
from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice

from goi.core.forms import QuickSelect, QuickSelectField, select_choices

CHOICES = [
    ("", "— semua —"),
    ("31", "DKI Jakarta"),
    ("a&b", 'Kota "Baru" <Utara>'),
    ("16.71", "Palembang"),
]


class Both(Form):
    quick = QuickSelectField("Provinsi", choices=select_choices(CHOICES))
    plain = SelectField("Provinsi", choices=select_choices(CHOICES))


def _rendered(field, **attributes) -> str:
    return str(field(**attributes)).replace(f'id="{field.id}" name="{field.name}"', 'id="x" name="x"')


def test_the_html_is_the_same_as_wtforms_with_and_without_a_selection_and_attributes():
    for data in ({}, {"quick": "a&b", "plain": "a&b"}, {"quick": "16.71", "plain": "16.71"}):
        form = Both(data=data)
        assert isinstance(form.quick(), Markup)
        assert _rendered(form.quick) == _rendered(form.plain)
        attributes = {"class_": "form-select form-select-sm", "required": True}
        assert _rendered(form.quick, **attributes) == _rendered(form.plain, **attributes)
    assert "&lt;Utara&gt;" in str(Both().quick()) and 'value="a&amp;b"' in str(Both().quick())


def _side_by_side(choices, selected: str):
    """A form with the same choices in a QuickSelectField and in a plain SelectField, one value selected."""
    form_class = type(
        "SideBySide",
        (Form,),
        {"quick": QuickSelectField("x", choices=choices), "plain": SelectField("x", choices=choices)},
    )
    return form_class(data={"quick": selected, "plain": selected})


def test_options_with_their_own_attributes_and_groups_go_through_wtforms():
    grouped = [SelectChoice("water", "Air bersih", optgroup="Air"), SelectChoice("waste", "Sampah", optgroup="Sampah")]
    form = _side_by_side(grouped, "waste")
    assert _rendered(form.quick) == _rendered(form.plain)
    assert "<optgroup" in str(form.quick())
    form = _side_by_side([SelectChoice("1", "Satu", render_kw={"disabled": True}), SelectChoice("2", "Dua")], "2")
    assert _rendered(form.quick) == _rendered(form.plain)
    assert "disabled" in str(form.quick())
    assert isinstance(QuickSelectField("x").field_class.widget, QuickSelect)
