"""An organization's API tokens, for its owners and admins: make one (its secret shown once), list, revoke."""

from flask import abort, make_response, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired, InputRequired, Length

from goi.api import tokens
from goi.api.models import ApiToken, Scope
from goi.core import clock
from goi.core.errors import DomainError
from goi.core.forms import ActionForm, Form, MultiCheckboxField, QuickSelectField, run_button_action, show_domain_error
from goi.core.policy import route
from goi.extensions import db
from goi.orgs.models import Organization
from goi.orgs.permissions import ORG_MANAGER, organization_or_404
from goi.orgs.views import bp

SCOPE_LABELS = {
    Scope.READ: _l("read: the platform's data and the organization's own proposals"),
    Scope.CHALLENGES_WRITE: _l("challenges:write: create and update the organization's challenges, publish addenda"),
    Scope.PROPOSALS_WRITE: _l("proposals:write: start, edit, submit and withdraw the organization's proposals"),
}


class TokenForm(Form):
    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(max=80)], description=_l("The system that will use it.")
    )
    scopes = MultiCheckboxField(_l("What it may do"), default=[Scope.READ.value])
    days = QuickSelectField(_l("Lasts"), default="90", validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes.choices = [(scope.value, str(label)) for scope, label in SCOPE_LABELS.items()]
        self.days.choices = [(str(days), _("%(days)d days", days=days)) for days in tokens.LIFETIMES_DAYS]


def secret_page(template: str, form, **context):
    """A page that may hold a secret shown once (a token's, a webhook's): 422 with the form's errors, and kept by
    no cache."""
    response = make_response(
        render_template(template, form=form, action_form=ActionForm(), **context), 422 if form.errors else 200
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(organization: Organization, form: TokenForm, secret: str | None = None, made: ApiToken | None = None):
    return secret_page(
        "orgs/api_tokens.html",
        form,
        organization=organization,
        api_tokens=tokens.tokens_of(organization),
        now=clock.now(),
        secret=secret,
        made=made,
    )


@route(bp, "/orgs/<slug>/api-tokens", ORG_MANAGER, methods=["GET", "POST"])
def api_tokens(slug: str):
    organization = organization_or_404(slug)
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(organization, form)
    try:
        token, secret = tokens.create_token(
            current_user._get_current_object(),
            organization,
            form.name.data,
            {Scope(value) for value in form.scopes.data},
            int(form.days.data),
        )
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return _page(organization, form)
    db.session.commit()
    # Shown in this answer only (not by a redirect through the session): the secret is nowhere else.
    return _page(organization, TokenForm(formdata=None), secret=secret, made=token)


@route(bp, "/orgs/<slug>/api-tokens/<int:token_id>/revoke", ORG_MANAGER, methods=["POST"])
def revoke_api_token(slug: str, token_id: int):
    organization = organization_or_404(slug)
    token = db.session.get(ApiToken, token_id)
    if token is None or token.organization_id != organization.id:
        abort(404)
    return run_button_action(
        lambda: tokens.revoke_token(current_user._get_current_object(), token),
        redirect_to=url_for("orgs.api_tokens", slug=slug),
        done=_("Token revoked: it no longer works."),
    )
