"""The marketplace of offers and requests: the public list, an offer's page, and its managers' forms.

The list and an offer's page are the same for every anonymous visitor (a GET filter form without a token, controls
only for who can use them), so that the page cache may keep them.
"""

from functools import lru_cache

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import Optional

from goi.core.errors import DomainError
from goi.core.forms import Form, PlainForm, QuickSelectField, run_button_action, select_choices, show_domain_error
from goi.core.pagination import current_page_number
from goi.core.policy import PUBLIC, Rule, route
from goi.data import regions, taxonomy
from goi.extensions import db
from goi.orgs import offers
from goi.orgs.models import Offer
from goi.orgs.permissions import ORG_MANAGER, organization_by_slug
from goi.orgs.views import bp

bp.add_app_template_global(offers.can_manage_offer)
bp.add_app_template_global(offers.is_live, "offer_is_live")
bp.add_app_template_global(offers.is_expired, "offer_is_expired")
bp.record_once(
    lambda state: state.app.jinja_env.globals.update(
        offer_kind_labels=offers.KIND_LABELS, offer_kind_styles=offers.KIND_STYLES
    )
)


@bp.app_template_global()
def organization_offers(organization):
    """The offers an organization's page lists to the current user."""
    return offers.organization_offers(current_user, organization)


def _locale() -> str:
    return str(get_locale() or taxonomy.DEFAULT_LOCALE)


@lru_cache(maxsize=8)
def _choices(locale: str, everything: str) -> dict[str, list]:
    """The select boxes' options in one language, built once (the lists are only read)."""
    kinds = [(kind.value, str(label)) for kind, label in offers.KIND_LABELS.items()]
    return {
        "kind": select_choices([("", everything), *kinds]),
        "sector": select_choices([("", everything), *taxonomy.sector_choices(locale)]),
        "province": select_choices([("", everything), *regions.province_choices()]),
        "regency": select_choices([("", everything), *regions.regency_choices()]),
    }


class OfferFilterForm(PlainForm):
    """The marketplace's filters, read from the query string; a value not among the choices is ignored."""

    q = StringField(_l("Keywords"), validators=[Optional()])
    kind = QuickSelectField(_l("Kind"), validators=[Optional()])
    sector = QuickSelectField(_l("Sector"), validators=[Optional()])
    province = QuickSelectField(_l("Province"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _choices(_locale(), str(_l("— all —")))
        for name in ("kind", "sector", "province"):
            self[name].choices = choices[name]

    def filters(self) -> dict:
        self.validate()
        found = {name: field.data for name, field in self._fields.items() if field.data and not field.errors}
        words = " ".join(str(found.get("q", ""))[: offers.MAX_QUERY].split())
        if words:
            found["q"] = words
        else:
            found.pop("q", None)
        return found


class OfferForm(Form):
    """An offer's fields; the rules are offers.problems(), shown beside each field."""

    kind = QuickSelectField(_l("Kind"))
    title = StringField(_l("Title"), render_kw={"maxlength": offers.TITLE_MAX})
    description = TextAreaField(
        _l("Description"),
        render_kw={"maxlength": offers.DESCRIPTION_MAX},
        description=_l("Plain text, at most %(max)d characters.", max=offers.DESCRIPTION_MAX),
    )
    sector = QuickSelectField(_l("Sector"), validators=[Optional()])
    province_code = QuickSelectField(_l("Province"), validators=[Optional()])
    regency_code = QuickSelectField(_l("Regency or city"), validators=[Optional()])
    expires_on = DateField(
        _l("Expires on"),
        validators=[Optional()],
        description=_l("Shown until the end of this day (WIB), at most one year ahead."),
    )
    is_public = BooleanField(_l("Show it on the public marketplace"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        not_set = str(_l("— not set —"))
        choices = _choices(_locale(), not_set)
        self.kind.choices = select_choices(
            [("", str(_l("— choose —"))), *((kind.value, str(label)) for kind, label in offers.KIND_LABELS.items())]
        )
        self.sector.choices = choices["sector"]
        self.province_code.choices = choices["province"]
        self.regency_code.choices = choices["regency"]

    def load(self, offer: Offer) -> None:
        self.kind.data = offer.kind.value
        self.title.data = offer.title
        self.description.data = offer.description
        self.sector.data = offer.sector or ""
        self.province_code.data = offer.province_code or ""
        self.regency_code.data = offer.regency_code or ""
        self.expires_on.data = offer.expires_on
        self.is_public.data = offer.is_public

    def values(self) -> dict:
        return {
            "kind": self.kind.data or "",
            "title": self.title.data or "",
            "description": self.description.data or "",
            "sector": self.sector.data or None,
            "province_code": self.province_code.data or None,
            "regency_code": self.regency_code.data or None,
            "expires_on": self.expires_on.data,
            "is_public": bool(self.is_public.data),
        }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, message in offers.problems(self.values()).items():
            field = self[name]
            if not field.errors:
                field.errors = [*field.errors, message]
            valid = False
        return valid


# --- who may do what -------------------------------------------------------------------------------------------------


def _offer(offer_id: int) -> Offer | None:
    """The offer with offer_id, loaded once per request."""
    cache = g.setdefault("offers_by_id", {})
    if offer_id not in cache:
        cache[offer_id] = db.session.get(Offer, offer_id)
    return cache[offer_id]


def visible_offer_or_404(offer_id: int) -> Offer:
    """The offer, or 404 when it does not exist or the user may not see it (hidden or expired, not a member)."""
    offer = _offer(offer_id)
    if offer is None or not offers.can_view_offer(current_user, offer):
        abort(404)
    return offer


def _manages_offer(user, args: dict) -> bool:
    # An offer the user may not see answers 404, as a missing one: a 403 would confirm that it exists.
    return offers.can_manage_offer(user, visible_offer_or_404(args.get("offer_id", 0)))


OFFER_MANAGER = Rule("owner or admin of the offer's organization", _manages_offer)


# --- pages -----------------------------------------------------------------------------------------------------------


@route(bp, "/offers", PUBLIC)
def marketplace():
    """The public marketplace: live offers, newest first, filtered; the same for every anonymous visitor."""
    form = OfferFilterForm(request.args)
    filters = form.filters()
    page = offers.marketplace(filters, current_page_number())
    return render_template(
        "offers/index.html",
        form=form,
        page=page,
        filtered=bool(filters),
        managed=offers.managed_organizations(current_user),
    )


@route(bp, "/offers/<int:offer_id>", PUBLIC)
def offer(offer_id: int):
    return render_template("offers/show.html", offer=visible_offer_or_404(offer_id))


def _save(form: OfferForm, action):
    """Run action (which saves the form's values) and commit, or show the service's refusal on the form."""
    try:
        saved = action()
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return None
    db.session.commit()
    return saved


@route(bp, "/orgs/<slug>/offers/new", ORG_MANAGER, methods=["GET", "POST"])
def new_offer(slug: str):
    organization = organization_by_slug(slug)
    if organization is None:
        abort(404)
    form = OfferForm()
    if form.validate_on_submit():
        created = _save(
            form, lambda: offers.create_offer(current_user._get_current_object(), organization, form.values())
        )
        if created is not None:
            flash(_("The offer is posted."), "success")
            return redirect(url_for("orgs.offer", offer_id=created.id))
    status = 422 if request.method == "POST" else 200
    return render_template("offers/form.html", form=form, organization=organization, offer=None), status


@route(bp, "/offers/<int:offer_id>/edit", OFFER_MANAGER, methods=["GET", "POST"])
def edit_offer(offer_id: int):
    offer = visible_offer_or_404(offer_id)
    form = OfferForm()
    if request.method == "GET":
        form.load(offer)
    if form.validate_on_submit():
        saved = _save(form, lambda: offers.update_offer(current_user._get_current_object(), offer, form.values()))
        if saved is not None:
            flash(_("Saved."), "success")
            return redirect(url_for("orgs.offer", offer_id=offer.id))
    status = 422 if request.method == "POST" else 200
    return render_template("offers/form.html", form=form, organization=offer.organization, offer=offer), status


@route(bp, "/offers/<int:offer_id>/withdraw", OFFER_MANAGER, methods=["POST"])
def withdraw_offer(offer_id: int):
    offer = visible_offer_or_404(offer_id)
    organization_url = url_for("orgs.show", slug=offer.organization.slug)
    return run_button_action(
        lambda: offers.withdraw_offer(current_user._get_current_object(), offer),
        redirect_to=organization_url,
        done=_("The offer is withdrawn."),
        redirect_on_error=url_for("orgs.offer", offer_id=offer.id),
    )
