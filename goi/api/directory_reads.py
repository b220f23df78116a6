"""The platform's directory in the API: organizations (the site's /orgs), metropolitan areas (/metros) and the
marketplace's offers and requests (/offers), each as its public page shows it to an anonymous visitor."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate
from sqlalchemy import select

from goi.api.challenge_reads import (
    ChallengeSummarySchema,
    FormattedSchema,
    SectorSchema,
    challenge_summary,
    keywords_argument,
    organization_ref,
    province_argument,
    region,
    regions_of,
    sector_argument,
    sector_of,
)
from goi.api.operations import ApiError, paged
from goi.api.schemas import (
    MetroRefSchema,
    OrganizationRefSchema,
    PageArgsSchema,
    RegionSchema,
    ResponseSchema,
    code,
    hinted,
    page_schema,
    text,
    url,
)
from goi.challenges import queries as challenge_queries
from goi.core import clock
from goi.core.pagination import Page, paginate
from goi.data import regions, taxonomy
from goi.data.regions import Metro
from goi.extensions import db
from goi.metros import queries as metro_queries
from goi.orgs import offers
from goi.orgs.models import Offer, OfferKind, Organization, OrgKind

# An organization's profile lists its latest public challenges; the challenge list gives them all (?owner= is not
# a filter there, so the count says how many there are).
CHALLENGES_SHOWN = 20

# --- schemas ----------------------------------------------------------------------------------------------------------


class OrganizationListArgsSchema(PageArgsSchema):
    """The filters of the site's organization list (/orgs), validated."""

    kind = hinted(
        fields.String(validate=validate.OneOf([kind.value for kind in OrgKind]), metadata={"description": "The kind."}),
        _l("One of government, industry, academia, community, investor."),
    )
    verified = hinted(
        fields.Boolean(metadata={"description": "true: only the organizations the platform has verified."}),
        _l("true or false."),
    )


class OrganizationSummarySchema(OrganizationRefSchema):
    url = url("The organization's page.")
    kind = code("government, industry, academia, community or investor.", "government")
    government_kind = code("For a government: province, regency, city, bumd or ministry.", "city", allow_none=True)
    verified = fields.Boolean(metadata={"description": "The platform has verified it (a government's letter)."})
    province = fields.Nested(RegionSchema, allow_none=True)
    regency = fields.Nested(RegionSchema, allow_none=True)
    metro = fields.Nested(MetroRefSchema, allow_none=True)


class OrganizationSchema(OrganizationSummarySchema):
    description = fields.Nested(FormattedSchema)
    website = url("Its website, as it gave it (may be empty).")
    sectors = fields.List(fields.Nested(SectorSchema), metadata={"description": "The sectors it works in."})
    expertise = fields.List(text("A keyword of what it offers."))
    seeking = fields.List(text("A keyword of what it looks for."))
    regions_served = fields.List(fields.Nested(RegionSchema), metadata={"description": "Provinces and regencies."})
    trl = fields.Integer(allow_none=True, metadata={"description": "Readiness of its solutions (1–9)."})
    languages = fields.List(code("A working language (ISO 639-1).", "id"))
    challenge_count = fields.Integer(metadata={"description": "Its public challenges (owned or co-owned)."})
    challenges = fields.List(
        fields.Nested(ChallengeSummarySchema),
        metadata={"description": f"Its latest {CHALLENGES_SHOWN} public challenges, newest first."},
    )


OrganizationPageSchema = page_schema(OrganizationSummarySchema, "OrganizationPage")


class AreaCountsSchema(ResponseSchema):
    governments = fields.Integer(metadata={"description": "Government organizations of the members on the platform."})
    challenges = fields.Integer(metadata={"description": "Public challenges of the area or of a member."})
    open = fields.Integer(metadata={"description": "Of them accepting proposals now."})


class MetroSummarySchema(MetroRefSchema):
    url = url("The area's page.")
    core = fields.Nested(RegionSchema, metadata={"description": "The core city or regency."})
    members = fields.List(fields.Nested(RegionSchema), metadata={"description": "Member regencies and cities."})
    provinces = fields.List(fields.Nested(RegionSchema), metadata={"description": "The members' provinces."})
    counts = fields.Nested(AreaCountsSchema)


class MemberSchema(ResponseSchema):
    regency = fields.Nested(RegionSchema)
    is_core = fields.Boolean()
    governments = fields.Integer(metadata={"description": "Its government organizations on the platform."})
    challenges = fields.Integer(metadata={"description": "Public challenges posted in it."})
    open = fields.Integer(metadata={"description": "Of them accepting proposals now."})


class AreaSectorSchema(ResponseSchema):
    sector = fields.Nested(SectorSchema)
    challenges = fields.Integer()
    open = fields.Integer()
    budget_on_offer = fields.Integer(metadata={"description": "Rupiah the open ones offer (their highest amounts)."})
    joint = fields.Integer(metadata={"description": "Posted for the whole area or owned by several members."})


class MetroSchema(MetroSummarySchema):
    member_figures = fields.List(fields.Nested(MemberSchema), metadata={"description": "The core city first."})
    sectors = fields.List(fields.Nested(AreaSectorSchema), metadata={"description": "The busiest sector first."})
    budget_on_offer = fields.Integer(metadata={"description": "Rupiah the open challenges offer."})
    joint_challenges = fields.Integer(metadata={"description": "Posted for the whole area or owned jointly."})


class MetroListSchema(ResponseSchema):
    results = fields.List(fields.Nested(MetroSummarySchema))


class OfferListArgsSchema(PageArgsSchema):
    """The filters of the site's marketplace (/offers), validated."""

    q = keywords_argument("Words of the title or description (each must occur).")
    kind = hinted(
        fields.String(validate=validate.OneOf([kind.value for kind in OfferKind]), metadata={"description": "Kind."}),
        _l("One of technology_offer, technology_request, partnership_request, investment_offer."),
    )
    sector = sector_argument()
    province = province_argument()


class OfferSchema(ResponseSchema):
    id = fields.Integer(metadata={"description": "The offer's number (its page is /offers/<id>)."})
    url = url("The offer's page.")
    kind = code("technology_offer, technology_request, partnership_request or investment_offer.", "technology_offer")
    title = text("The title.")
    description = text("What is offered or looked for (plain text, line breaks kept).")
    sector = fields.Nested(SectorSchema, allow_none=True)
    organization = fields.Nested(OrganizationRefSchema)
    province = fields.Nested(RegionSchema, allow_none=True)
    regency = fields.Nested(RegionSchema, allow_none=True)
    expires_on = fields.Date(metadata={"description": "Shown through this day (western Indonesian time)."})
    created_at = fields.DateTime()


OfferPageSchema = page_schema(OfferSchema, "OfferPage")


# --- shaping ----------------------------------------------------------------------------------------------------------


def page_body(page: Page, results: list) -> dict:
    """The body of a paged answer (see page_schema)."""
    return {"total": page.total, "page": page.page, "pages": page.pages, "per_page": page.per_page, "results": results}


def _area_of(organization: Organization):
    return metro_queries.metro_for(regency_code=organization.regency_code)


def organization_summary(organization: Organization) -> dict:
    area = _area_of(organization)
    return {
        **organization_ref(organization),
        "url": url_for("orgs.show", slug=organization.slug, _external=True),
        "kind": organization.kind.value,
        "government_kind": organization.government_kind.value if organization.government_kind else None,
        "verified": organization.is_verified,
        **regions_of(organization.province_code, organization.regency_code, area.code if area else None),
    }


def _region_served(code_: str) -> dict | None:
    return region(code_, regions.regency(code_) if "." in code_ else regions.province(code_))


def organization_profile(organization: Organization) -> dict:
    """What its page shows everyone: no members' addresses, no drafts, no verification letters."""
    challenges = challenge_queries.organization_challenges_page(
        organization, include_drafts=False, per_page=CHALLENGES_SHOWN, page=1
    )
    served = (_region_served(code_) for code_ in organization.regions_served_list)
    return {
        **organization_summary(organization),
        "description": {"source": organization.description_source or "", "html": organization.description_html or ""},
        "website": organization.website or "",
        "sectors": [sector_of(code_) for code_ in organization.sector_list if taxonomy.sector(code_)],
        "expertise": organization.expertise_list,
        "seeking": organization.seeking_list,
        "regions_served": [place for place in served if place is not None],
        "trl": organization.trl,
        "languages": organization.language_list,
        "challenge_count": challenges.total,
        "challenges": [challenge_summary(challenge) for challenge in challenges.items],
    }


def metro_summary(metro: Metro, counts: metro_queries.AreaCounts) -> dict:
    return {
        "code": metro.code,
        "name": metro.name,
        "url": url_for("metros.show", code=metro.code, _external=True),
        "core": region(metro.core_code, regions.regency(metro.core_code)),
        "members": [region(code_, regions.regency(code_)) for code_ in metro.member_codes],
        "provinces": [region(code_, regions.province(code_)) for code_ in metro_queries.province_codes(metro)],
        "counts": {"governments": counts.governments, "challenges": counts.challenges, "open": counts.open},
    }


def metro_detail(metro: Metro) -> dict:
    """An area with its members' and its sectors' figures, as its page reads them."""
    now = clock.now()
    members = metro_queries.area_members(metro, now)
    sectors = metro_queries.sector_figures(metro, now)
    counts = metro_queries.AreaCounts(
        governments=sum(member.government_count for member in members),
        challenges=sum(figures.challenges for figures in sectors),
        open=sum(figures.open for figures in sectors),
    )
    return {
        **metro_summary(metro, counts),
        "member_figures": [
            {
                "regency": region(member.regency.code, member.regency),
                "is_core": member.is_core,
                "governments": member.government_count,
                "challenges": member.challenges,
                "open": member.open,
            }
            for member in members
        ],
        "sectors": [
            {
                "sector": sector_of(figures.sector),
                "challenges": figures.challenges,
                "open": figures.open,
                "budget_on_offer": figures.budget_on_offer,
                "joint": figures.joint,
            }
            for figures in sectors
        ],
        "budget_on_offer": sum(figures.budget_on_offer for figures in sectors),
        "joint_challenges": sum(figures.joint for figures in sectors),
    }


def offer_item(offer: Offer) -> dict:
    places = regions_of(offer.province_code, offer.regency_code, None)
    return {
        "id": offer.id,
        "url": url_for("orgs.offer", offer_id=offer.id, _external=True),
        "kind": offer.kind.value,
        "title": offer.title,
        "description": offer.description,
        "sector": sector_of(offer.sector) if offer.sector else None,
        "organization": organization_ref(offer.organization),
        "province": places["province"],
        "regency": places["regency"],
        "expires_on": offer.expires_on,
        "created_at": offer.created_at,
    }


# --- reading ----------------------------------------------------------------------------------------------------------


def organization_page(args: dict):
    """A page of the organizations by name, with the site list's filters."""
    query = select(Organization).order_by(Organization.name, Organization.id)
    if args.get("kind"):
        query = query.where(Organization.kind == OrgKind(args["kind"]))
    if args.get("verified") is True:
        query = query.where(Organization.verified_at.is_not(None))
    elif args.get("verified") is False:
        query = query.where(Organization.verified_at.is_(None))
    page = paginate(query, per_page=args["per_page"], page=args["page"])
    return paged(page_body(page, [organization_summary(item) for item in page.items]), page.page, page.pages)


def organization_by_slug(slug: str) -> Organization:
    organization = db.session.scalar(select(Organization).where(Organization.slug == slug))
    if organization is None:
        raise ApiError(404, _("No organization has this reference."))
    return organization


def metro_list() -> dict:
    counts = metro_queries.counts_by_area(clock.now())
    return {"results": [metro_summary(metro, counts[metro.code]) for metro in regions.metros()]}


def metro_by_code(code_: str) -> Metro:
    metro = regions.metro(code_)
    if metro is None:
        raise ApiError(404, _("No metropolitan area has this code."))
    return metro


def offer_page(args: dict):
    """A page of the live offers, newest first, with the marketplace's filters."""
    filters = {name: args[name] for name in ("kind", "sector", "province") if args.get(name)}
    words = " ".join((args.get("q") or "").split())
    if words:
        filters["q"] = words
    page = offers.marketplace(filters, args["page"], per_page=args["per_page"])
    return paged(page_body(page, [offer_item(offer) for offer in page.items]), page.page, page.pages)


def live_offer(offer_id: int) -> Offer:
    """A live offer (public and not expired); the others are their members' only, as on the site."""
    offer = db.session.get(Offer, offer_id)
    if offer is None or not offers.is_live(offer):
        raise ApiError(404, _("No live offer has this number."))
    return offer
