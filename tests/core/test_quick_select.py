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


def test_options_with_their_own_attributes_and_groups_go_through_wtforms():
    grouped = [SelectChoice("water", "Air bersih", optgroup="Air"), SelectChoice("waste", "Sampah", optgroup="Sampah")]

    class Grouped(Form):
        quick = QuickSelectField("Sektor", choices=grouped)
        plain = SelectField("Sektor", choices=grouped)

    form = Grouped(data={"quick": "waste", "plain": "waste"})
    assert _rendered(form.quick) == _rendered(form.plain)
    assert "<optgroup" in str(form.quick())
    with_attributes = [SelectChoice("1", "Satu", render_kw={"disabled": True}), SelectChoice("2", "Dua")]

    class Attributes(Form):
        quick = QuickSelectField("Pilihan", choices=with_attributes)
        plain = SelectField("Pilihan", choices=with_attributes)

    form = Attributes(data={"quick": "2", "plain": "2"})
    assert _rendered(form.quick) == _rendered(form.plain)
    assert "disabled" in str(form.quick())
    assert isinstance(QuickSelectField("x").field_class.widget, QuickSelect)
