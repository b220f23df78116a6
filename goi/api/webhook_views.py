"""An organization's webhooks, for its owners and admins: add one (its secret shown once), list, see its
deliveries, disable."""

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired

from goi.api import webhooks
from goi.api.models import Webhook, WebhookEvent, WebhookScope
from goi.api.token_views import secret_page
from goi.core.errors import DomainError
from goi.core.forms import Form, MultiCheckboxField, run_button_action, show_domain_error
from goi.core.pagination import paginate
from goi.core.policy import route
from goi.extensions import db
from goi.orgs.models import Organization
from goi.orgs.permissions import ORG_MANAGER, organization_or_404
from goi.orgs.views import bp

EVENT_LABELS = {
    WebhookEvent.CHALLENGE_PUBLISHED: _l("challenge.published: a challenge is published"),
    WebhookEvent.CHALLENGE_ADDENDUM: _l("challenge.addendum: an addendum changes a published challenge"),
    WebhookEvent.CHALLENGE_CLOSED: _l("challenge.closed: a challenge's deadline has passed"),
    WebhookEvent.CHALLENGE_RESULTS_PUBLISHED: _l("challenge.results_published: a challenge's results are published"),
    WebhookEvent.PROPOSAL_RECEIVED: _l(
        "proposal.received: a proposal to one of your challenges is submitted (how many so far, never what they say)"
    ),
}
SCOPE_LABELS = {
    WebhookScope.OWN: _l("The challenges your organization owns or co-owns"),
    WebhookScope.ALL: _l("Every public challenge (proposal.received still only for your own)"),
}
DELIVERIES_PER_PAGE = 30


class WebhookForm(Form):
    url = StringField(
        _l("Address"),
        validators=[DataRequired()],
        description=_l("An http:// or https:// address on the internet that accepts a POST of JSON."),
    )
    events = MultiCheckboxField(_l("Events"))
    scope = RadioField(_l("Challenges"), default=WebhookScope.OWN.value)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.events.choices = [(event.value, str(label)) for event, label in EVENT_LABELS.items()]
        self.scope.choices = [(scope.value, str(label)) for scope, label in SCOPE_LABELS.items()]


def _webhook_or_404(organization: Organization, webhook_id: int) -> Webhook:
    webhook = db.session.get(Webhook, webhook_id)
    if webhook is None or webhook.organization_id != organization.id:
        abort(404)
    return webhook


def _page(organization: Organization, form: WebhookForm, secret: str | None = None, made: Webhook | None = None):
    return secret_page(
        "orgs/webhooks.html",
        form,
        organization=organization,
        hooks=webhooks.webhooks_of(organization),
        scope_labels=SCOPE_LABELS,
        secret=secret,
        made=made,
    )


@route(bp, "/orgs/<slug>/webhooks", ORG_MANAGER, methods=["GET", "POST"])
def webhooks_list(slug: str):
    organization = organization_or_404(slug)
    form = WebhookForm()
    if not form.validate_on_submit():
        return _page(organization, form)
    try:
        webhook, secret = webhooks.create_webhook(
            current_user._get_current_object(),
            organization,
            form.url.data,
            {WebhookEvent(value) for value in form.events.data},
            WebhookScope(form.scope.data),
        )
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return _page(organization, form)
    db.session.commit()
    # Shown in this answer only (not by a redirect through the session): the receiver needs it to check signatures.
    return _page(organization, WebhookForm(formdata=None), secret=secret, made=webhook)


@route(bp, "/orgs/<slug>/webhooks/<int:webhook_id>", ORG_MANAGER)
def webhook_deliveries(slug: str, webhook_id: int):
    organization = organization_or_404(slug)
    webhook = _webhook_or_404(organization, webhook_id)
    page = paginate(webhooks.deliveries_query(webhook), per_page=DELIVERIES_PER_PAGE)
    return render_template(
        "orgs/webhook_deliveries.html",
        organization=organization,
        webhook=webhook,
        page=page,
        scope_labels=SCOPE_LABELS,
        max_attempts=webhooks.MAX_ATTEMPTS,
    )


@route(bp, "/orgs/<slug>/webhooks/<int:webhook_id>/disable", ORG_MANAGER, methods=["POST"])
def disable_webhook(slug: str, webhook_id: int):
    organization = organization_or_404(slug)
    webhook = _webhook_or_404(organization, webhook_id)
    return run_button_action(
        lambda: webhooks.disable_webhook(current_user._get_current_object(), webhook),
        redirect_to=url_for("orgs.webhooks_list", slug=slug),
        done=_("Webhook disabled: nothing more is sent to it."),
    )
