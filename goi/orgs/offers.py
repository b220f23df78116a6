"""Offers and requests of organizations on the marketplace: the rules of posting, editing and withdrawing them,
who sees them, and the public list.

An offer is live while it is public and its expiry date (a day in Jakarta's calendar, WIB) has not passed: it is
shown through the whole of that day. Any kind of organization may post any kind of offer. Withdrawing deletes the
offer; the audit log keeps what it was.
"""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm.attributes import set_committed_value

from goi.accounts.models import User
from goi.core import audit, clock
from goi.core.errors import DomainError, NotAllowed
from goi.core.pagination import Page, paginate
from goi.data import regions, taxonomy
from goi.extensions import db
from goi.orgs.models import MemberRole, Membership, Offer, OfferKind, Organization
from goi.orgs.permissions import can_manage_organization, membership_of

TITLE_MAX = 160
DESCRIPTION_MAX = 2000
LIVE_OFFERS_MAX = 30
PER_PAGE = 20
MAX_QUERY = 200
MAX_WORDS = 10
ORG_PAGE_OFFERS = 50
CALENDAR_ZONE = "Asia/Jakarta"
FIELDS = ("kind", "title", "description", "sector", "province_code", "regency_code", "is_public", "expires_on")

KIND_LABELS = {
    OfferKind.TECHNOLOGY_OFFER: _l("Technology offer"),
    OfferKind.TECHNOLOGY_REQUEST: _l("Technology request"),
    OfferKind.PARTNERSHIP_REQUEST: _l("Partnership request"),
    OfferKind.INVESTMENT_OFFER: _l("Investment offer"),
}
# The badge colour of each kind (Bootstrap's text-bg-*, which keeps the text readable on it).
KIND_STYLES = {
    OfferKind.TECHNOLOGY_OFFER: "primary",
    OfferKind.TECHNOLOGY_REQUEST: "info",
    OfferKind.PARTNERSHIP_REQUEST: "success",
    OfferKind.INVESTMENT_OFFER: "warning",
}


def today() -> date:
    """Today in the platform's calendar (WIB), by the application's clock."""
    return clock.in_zone(clock.now(), CALENDAR_ZONE).date()


def latest_expiry(day: date) -> date:
    """The last expiry date allowed on day: one year ahead (28 February for a 29th)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def is_live(offer: Offer) -> bool:
    return offer.is_public and offer.expires_on >= today()


def is_expired(offer: Offer) -> bool:
    return offer.expires_on < today()


# --- who may do what -------------------------------------------------------------------------------------------------


def can_view_offer(user, offer: Offer) -> bool:
    """Everyone sees a live offer; a hidden or expired one only its organization's members."""
    return is_live(offer) or membership_of(user, offer.organization) is not None


def can_manage_offer(user, offer: Offer) -> bool:
    """The organization's owners and admins edit and withdraw its offers."""
    return can_manage_organization(user, offer.organization)


# --- validation ------------------------------------------------------------------------------------------------------


def problems(values: dict) -> dict[str, str]:
    """Every broken rule of values, as field → message (empty when the offer may be saved)."""
    found: dict[str, str] = {}
    if values.get("kind") not in {kind.value for kind in OfferKind}:
        found["kind"] = _("Choose the kind of offer.")
    title = (values.get("title") or "").strip()
    if not title:
        found["title"] = _("Give the offer a title.")
    elif len(title) > TITLE_MAX:
        found["title"] = _("Keep the title to %(max)d characters.", max=TITLE_MAX)
    description = (values.get("description") or "").strip()
    if not description:
        found["description"] = _("Describe what you offer or look for.")
    elif len(description) > DESCRIPTION_MAX:
        found["description"] = _("Keep the description to %(max)d characters.", max=DESCRIPTION_MAX)
    if values.get("sector") and taxonomy.sector(values["sector"]) is None:
        found["sector"] = _("Choose a sector from the list.")
    province_code, regency_code = values.get("province_code"), values.get("regency_code")
    if province_code and regions.province(province_code) is None:
        found["province_code"] = _("Choose a province from the list.")
    if regency_code:
        place = regions.regency(regency_code)
        if place is None or place.province_code != province_code:
            found["regency_code"] = _("Choose a regency or city in the chosen province.")
    expires_on = values.get("expires_on")
    day = today()
    if not isinstance(expires_on, date):
        found["expires_on"] = _("Choose the date the offer expires.")
    elif expires_on <= day:
        found["expires_on"] = _("Choose an expiry date after today.")
    elif expires_on > latest_expiry(day):
        found["expires_on"] = _("Choose an expiry date at most one year ahead.")
    return found


def _check(values: dict) -> None:
    found = problems(values)
    if found:
        field, message = next(iter(found.items()))
        raise DomainError(message, field=field)


def _live_count(organization: Organization) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Offer)
            .where(Offer.organization_id == organization.id, Offer.expires_on >= today())
        )
        or 0
    )


def _check_room(organization: Organization) -> None:
    if _live_count(organization) >= LIVE_OFFERS_MAX:
        raise DomainError(
            _(
                "An organization has at most %(max)d offers that have not expired. Withdraw one first.",
                max=LIVE_OFFERS_MAX,
            )
        )


def _apply(offer: Offer, values: dict) -> None:
    offer.kind = OfferKind(values["kind"])
    offer.title = values["title"].strip()
    offer.description = values["description"].strip()
    offer.sector = values.get("sector") or None
    offer.province_code = values.get("province_code") or None
    offer.regency_code = values.get("regency_code") or None
    offer.is_public = bool(values.get("is_public", True))
    offer.expires_on = values["expires_on"]


def _require_manager(actor: User, organization: Organization) -> None:
    if not can_manage_organization(actor, organization):
        raise NotAllowed(_("Only the organization's owners and admins manage its offers."))


def _record(action: str, actor: User, offer: Offer, **detail) -> None:
    audit.record(
        action,
        actor_id=actor.id,
        object_type="offer",
        object_id=offer.id,
        organization_id=offer.organization_id,
        kind=offer.kind.value,
        **detail,
    )


# --- changes ---------------------------------------------------------------------------------------------------------


def create_offer(actor: User, organization: Organization, values: dict) -> Offer:
    """A new offer of organization, posted by one of its managers."""
    _require_manager(actor, organization)
    _check(values)
    _check_room(organization)
    offer = Offer(organization=organization, created_by=actor)
    _apply(offer, values)
    db.session.add(offer)
    db.session.flush()
    _record("offer.created", actor, offer)
    return offer


def update_offer(actor: User, offer: Offer, values: dict) -> Offer:
    """Change an offer; an expired one given a later date counts against the organization's live offers again."""
    _require_manager(actor, offer.organization)
    _check(values)
    if is_expired(offer):
        _check_room(offer.organization)
    before = {name: getattr(offer, name) for name in FIELDS}
    _apply(offer, values)
    changed = sorted(name for name in FIELDS if getattr(offer, name) != before[name])
    _record("offer.updated", actor, offer, fields=changed)
    return offer


def withdraw_offer(actor: User, offer: Offer) -> None:
    """Take an offer off the marketplace for good: it is deleted, the audit log keeps its title and kind."""
    _require_manager(actor, offer.organization)
    _record("offer.withdrawn", actor, offer, title=offer.title)
    db.session.delete(offer)
    db.session.flush()


# --- reading ---------------------------------------------------------------------------------------------------------


def _live() -> Select:
    return select(Offer).where(Offer.is_public.is_(True), Offer.expires_on >= today())


def _like_pattern(word: str) -> str:
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def marketplace_query(filters: dict) -> Select:
    """The live offers matching filters (kind, sector, province, q), newest first.

    Every word of q must occur in the title or the description; lower() on both sides gives the same
    case-insensitive match on SQLite and PostgreSQL.
    """
    query = _live()
    if filters.get("kind"):
        query = query.where(Offer.kind == OfferKind(filters["kind"]))
    if filters.get("sector"):
        query = query.where(Offer.sector == filters["sector"])
    if filters.get("province"):
        query = query.where(Offer.province_code == filters["province"])
    for word in (filters.get("q") or "")[:MAX_QUERY].split()[:MAX_WORDS]:
        pattern = _like_pattern(word)
        query = query.where(
            or_(
                func.lower(Offer.title).like(pattern, escape="\\"),
                func.lower(Offer.description).like(pattern, escape="\\"),
            )
        )
    return query.order_by(Offer.created_at.desc(), Offer.id.desc())


def marketplace(filters: dict, page: int, per_page: int = PER_PAGE) -> Page:
    """A page of the marketplace with its organizations, in three statements."""
    found = paginate(marketplace_query(filters), per_page=per_page, page=page)
    _load_organizations(found.items)
    return found


def _load_organizations(offers: list[Offer]) -> None:
    # Set on each offer: the session's identity map holds its objects weakly, so organizations only loaded into it
    # would be collected at once and each offer would read its own again.
    ids = sorted({offer.organization_id for offer in offers})
    if ids:
        organizations = {
            item.id: item for item in db.session.scalars(select(Organization).where(Organization.id.in_(ids)))
        }
        for offer in offers:
            set_committed_value(offer, "organization", organizations[offer.organization_id])


def organization_offers(user, organization: Organization) -> list[Offer]:
    """The offers an organization's page lists: its live ones, and for its members the hidden and expired too."""
    if membership_of(user, organization) is not None:
        query = select(Offer).order_by(Offer.expires_on < today(), Offer.created_at.desc(), Offer.id.desc())
    else:
        query = _live().order_by(Offer.created_at.desc(), Offer.id.desc())
    query = query.where(Offer.organization_id == organization.id).limit(ORG_PAGE_OFFERS)
    return list(db.session.scalars(query))


def managed_organizations(user) -> list[Organization]:
    """The organizations user posts offers for (owner or admin), by name."""
    if not user.is_authenticated:
        return []
    query = (
        select(Organization)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.user_id == user.id, Membership.role.in_([MemberRole.OWNER, MemberRole.ADMIN]))
        .order_by(Organization.name, Organization.id)
    )
    return list(db.session.scalars(query))
