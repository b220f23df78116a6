"""Small pieces shared by the forms of every domain."""

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import abort, flash, redirect
from flask_wtf import FlaskForm
from markupsafe import escape
from werkzeug.wrappers import Response
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select as SelectWidget

from goi.core.errors import DomainError
from goi.extensions import db

T = TypeVar("T")


class ActionForm(FlaskForm):
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
    form: FlaskForm | None = None,
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
