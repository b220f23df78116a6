"""Small pieces shared by the forms of every domain."""

from collections.abc import Callable, Iterable
from typing import TypeVar

import wtforms
from flask import abort, flash, redirect
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import escape
from werkzeug.wrappers import Response
from wtforms import Field, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget, TextInput
from wtforms.widgets import Select as SelectWidget

from goi.core.errors import DomainError
from goi.core.form_messages import TRANSLATIONS
from goi.core.money import RupiahError, group_thousands, parse_rupiah
from goi.extensions import db

T = TypeVar("T")
RUPIAH_EXAMPLE = _l("For example 480.000.000 or 480 juta.")


class _TranslatedMeta:
    def get_translations(self, form):
        return TRANSLATIONS


class Form(FlaskForm):
    """The base of every form of a page: CSRF from Flask-WTF, and WTForms' own messages in the user's language."""

    class Meta(_TranslatedMeta):
        pass


class PlainForm(wtforms.Form):
    """The base of a form without a CSRF token (a GET filter, a form nested in another), its messages translated."""

    class Meta(_TranslatedMeta):
        pass


class MultiCheckboxField(SelectMultipleField):
    """A choice of several, rendered as one checkbox each (the field macro puts them in a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(Form):
    """A form with nothing but its CSRF token, for buttons that change state."""


class QuickSelect(SelectWidget):
    """WTForms' select widget writing a plain option itself: the same HTML, without the attribute machinery per
    option (a list of 38 provinces or 514 regencies is rendered on every page that filters by place)."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        value = choice.value
        if kwargs or choice.render_kw or isinstance(value, bool):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""  # html_params orders attributes by name
        return f'<option {selected}value="{escape(value)}">{escape(choice.label or value)}</option>'

    @classmethod
    def _dispatch_render_option(cls):
        # WTForms inspects render_option's signature for every option to support old overrides; this one is new.
        return cls.render_option


class QuickSelectField(SelectField):
    """A SelectField rendered by QuickSelect."""

    widget = QuickSelect()


class RupiahField(Field):
    """Whole rupiah, read by money.parse_rupiah ('480.000.000', 'Rp 480 juta', '1,5 miliar'; 0 to MAX_RUPIAH).

    The value is shown grouped the Indonesian way in both languages ('480.000.000'), which the parser reads back
    the same in either. Text the field refuses (or a value another check refuses) is shown again as typed, with
    the parser's reason as the field's error. A plain text input: type=number refuses dots, and a decimal keypad
    (inputmode=decimal) has no letters for "juta" and, on iOS, only the language's decimal separator.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, description=RUPIAH_EXAMPLE, **kwargs):
        super().__init__(label, validators, description=description, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        self.data = None
        if valuelist[0].strip():
            try:
                self.data = parse_rupiah(valuelist[0])
            except RupiahError as error:
                raise ValueError(error.reason) from error

    def _value(self) -> str:
        if self.raw_data and (self.errors or self.data is None):
            return self.raw_data[0]
        return "" if self.data is None else group_thousands(self.data)


def select_choices(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def show_domain_error(form, error) -> None:
    """A service's refusal (a DomainError) beside the field it names, else among the form's own errors."""
    field = form._fields.get(error.field) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def run_button_action(
    action: Callable[[], T],
    *,
    redirect_to: str,
    done: str | None = None,
    redirect_on_error: str | None = None,
    after_commit: Callable[[T], object] | None = None,
    form: Form | None = None,
) -> Response:
    """Answer a state-changing button: 400 unless its form (an ActionForm by default) validates, else run action.

    A DomainError is rolled back, flashed as "danger" and redirected to redirect_on_error (default redirect_to).
    Otherwise the session is committed, after_commit gets the action's result, done is flashed as "success" and
    the answer redirects to redirect_to.
    """
    if not (form if form is not None else ActionForm()).validate_on_submit():
        abort(400)
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(redirect_on_error or redirect_to)
    db.session.commit()
    if after_commit is not None:
        after_commit(result)
    if done is not None:
        flash(done, "success")
    return redirect(redirect_to)
