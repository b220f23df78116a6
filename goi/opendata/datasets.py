"""The open datasets: each one's name, title, description and fields (type, meaning, example), and its rows.

A dataset's rows come from one or two statements whatever their number, and hold only what the public pages show:
challenges that are not drafts, every organization, the metropolitan areas of the reference data, published results
and the proposals they name (submitted ones, as the results section shows them), live offers and requests. Regions
are Kemendagri codes (strings: "16.71") beside their names; Markdown and HTML are given as plain text.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from goi.accounts.models import User
from goi.challenges.models import Challenge, ChallengeStatus
from goi.core.links import absolute_url
from goi.data import regions, taxonomy
from goi.extensions import db
from goi.orgs import offers
from goi.orgs.models import Offer, Organization
from goi.proposals.models import Proposal, ProposalStatus
from goi.reviews.models import AwardLabel, ChallengeResult, ResultEntry
from goi.statistics.figures import FIGURE_NAMES
from goi.statistics.views import platform_statistics

# The types a field may have, as the schema tables and the JSON files name them.
STRING, INTEGER, BOOLEAN, DATE, DATETIME, STRING_LIST = "string", "integer", "boolean", "date", "datetime", "string[]"
NUMBER = "number"


@dataclass(frozen=True, slots=True)
class Field:
    """One column of a dataset: its name, type, what it means and an example value."""

    name: str
    type: str
    meaning: Any  # a lazy string, in the reader's language
    example: str


@dataclass(frozen=True, slots=True)
class Dataset:
    """A dataset: its definition and the function that reads its rows (dicts keyed by the fields' names)."""

    name: str
    title: Any
    description: Any
    keywords: tuple[tuple[str, str], ...]  # (Indonesian, English) pairs
    fields: tuple[Field, ...]
    rows: Callable[[], list[dict[str, Any]]]
    # A scalar subquery of the latest change of the dataset's rows, or None when they come from reference data.
    modified: Callable[[], Any] | None = None

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.fields]


# --- plain text ------------------------------------------------------------------------------------------------------

# Paragraph-like elements stand apart by a blank line; a list item, a table row or a line break starts a new line.
_PARAGRAPHS = frozenset({"p", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "ol", "ul", "table"})
_LINES = frozenset({"br", "li", "tr"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _PARAGRAPHS:
            self.parts.append("\n\n")
        elif tag in _LINES:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _PARAGRAPHS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str | None) -> str:
    """The text of sanitized HTML: no tags, entities resolved, one blank line at most between paragraphs."""
    if not html:
        return ""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = [" ".join(line.split()) for line in unescape("".join(collector.parts)).split("\n")]
    text, blank = [], False
    for line in lines:
        if line:
            if blank and text:
                text.append("")
            text.append(line)
            blank = False
        else:
            blank = True
    return "\n".join(text)


# --- shared fields ---------------------------------------------------------------------------------------------------


def _region_fields() -> tuple[Field, ...]:
    return (
        Field("province_code", STRING, _l("Kemendagri code of the province (two digits)."), "16"),
        Field("province_name", STRING, _l("Name of that province."), "Sumatera Selatan"),
        Field(
            "regency_code",
            STRING,
            _l("Kemendagri code of the regency or city (kabupaten/kota), province code first."),
            "16.71",
        ),
        Field("regency_name", STRING, _l("Name of that regency or city."), "Kota Palembang"),
    )


def _region_values(province_code: str | None, regency_code: str | None) -> dict[str, str | None]:
    place = regions.regency(regency_code) if regency_code else None
    if province_code is None and place is not None:
        province_code = place.province_code
    province = regions.province(province_code) if province_code else None
    return {
        "province_code": province_code,
        "province_name": province.name if province else None,
        "regency_code": regency_code,
        "regency_name": place.name if place else None,
    }


def _metro_fields() -> tuple[Field, ...]:
    return (
        Field(
            "metro_code", STRING, _l("Code of the metropolitan area the challenge is posted for."), "patungraya-agung"
        ),
        Field("metro_name", STRING, _l("Name of that metropolitan area."), "Patungraya Agung"),
    )


def _metro_values(metro_code: str | None) -> dict[str, str | None]:
    metro = regions.metro(metro_code) if metro_code else None
    return {"metro_code": metro_code, "metro_name": metro.name if metro else None}


def _sector_name(code: str | None) -> str | None:
    sector = taxonomy.sector(code) if code else None
    return sector.label("id") if sector else None


def _list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


# --- challenges ------------------------------------------------------------------------------------------------------

PUBLIC_CHALLENGE = Challenge.status != ChallengeStatus.DRAFT

CHALLENGE_FIELDS = (
    Field("id", INTEGER, _l("The challenge's number on the platform."), "42"),
    Field("slug", STRING, _l("The challenge's name in its web address."), "pengendalian-banjir-palembang"),
    Field(
        "url", STRING, _l("The challenge's page."), "https://goi.example.id/challenges/pengendalian-banjir-palembang"
    ),
    Field("title", STRING, _l("Title."), "Pengendalian banjir Palembang"),
    Field("summary", STRING, _l("Short summary (plain text)."), "Sistem peringatan dini banjir."),
    Field("problem", STRING, _l("The problem, as plain text (written in Markdown on the site)."), "Banjir rutin."),
    Field("context", STRING, _l("The context, as plain text (written in Markdown on the site)."), "Data tersedia."),
    Field("outcomes", STRING, _l("The expected outcomes, as plain text (written in Markdown)."), "Peringatan dini."),
    Field(
        "status",
        STRING,
        _l("State: published, closed, under_review, decided, archived or cancelled."),
        "published",
    ),
    Field("outcome", STRING, _l("Once decided: awarded or not_awarded."), "awarded"),
    Field("sector", STRING, _l("Sector code."), "water"),
    Field("sector_name", STRING, _l("Sector name (Indonesian)."), "Air"),
    Field("dimension", STRING, _l("Smart-city dimension code."), "environment"),
    Field("sdgs", STRING_LIST, _l("Numbers of the Sustainable Development Goals it serves."), "6; 11"),
    Field("owner_organization_id", INTEGER, _l("Number of the organization that posted it."), "7"),
    Field("owner_organization_name", STRING, _l("Name of that organization."), "Pemerintah Kota Palembang"),
    *_region_fields(),
    *_metro_fields(),
    Field("budget_kind", STRING, _l("What the amounts are: budget or prize."), "budget"),
    Field("budget_min", INTEGER, _l("Lowest amount offered, in rupiah."), "1500000000"),
    Field("budget_max", INTEGER, _l("Highest amount offered, in rupiah."), "2000000000"),
    Field("prize_amount", INTEGER, _l("A prize or award apart from the budget, in rupiah."), "50000000"),
    Field("prize_description", STRING, _l("What that prize is."), "Kontrak uji coba"),
    Field("trl", INTEGER, _l("Technology readiness level asked for (1–9)."), "5"),
    Field(
        "eligible_solvers",
        STRING_LIST,
        _l("Who may propose: industry, academia, community, citizen, investor."),
        "industry; academia",
    ),
    Field("consortium_required", BOOLEAN, _l("Whether proposals must come from a consortium."), "true"),
    Field("opens_at", DATETIME, _l("When proposals open (UTC)."), "2026-11-10T01:00:00Z"),
    Field("closes_at", DATETIME, _l("Deadline for proposals (UTC)."), "2026-12-31T16:59:00Z"),
    Field("published_at", DATETIME, _l("When it was published (UTC)."), "2026-11-01T03:00:00Z"),
    Field("decision_at", DATETIME, _l("When the decision is planned (UTC)."), "2027-02-15T03:00:00Z"),
)


def challenge_rows() -> list[dict[str, Any]]:
    """Every challenge any visitor may see (never a draft), with its owner's name, in one statement."""
    rows = db.session.execute(
        select(Challenge, Organization.name)
        .join(Organization, Organization.id == Challenge.owner_org_id)
        .where(PUBLIC_CHALLENGE)
        .order_by(Challenge.id)
    )
    return [
        {
            "id": challenge.id,
            "slug": challenge.slug,
            "url": absolute_url("challenges.show", slug=challenge.slug),
            "title": challenge.title,
            "summary": challenge.summary,
            "problem": plain_text(challenge.problem_html),
            "context": plain_text(challenge.context_html),
            "outcomes": plain_text(challenge.outcomes_html),
            "status": challenge.status.value,
            "outcome": challenge.outcome.value if challenge.outcome else None,
            "sector": challenge.sector,
            "sector_name": _sector_name(challenge.sector),
            "dimension": challenge.dimension,
            "sdgs": _list(challenge.sdg_numbers),
            "owner_organization_id": challenge.owner_org_id,
            "owner_organization_name": owner_name,
            **_region_values(challenge.province_code, challenge.regency_code),
            **_metro_values(challenge.metro_code),
            "budget_kind": challenge.budget_kind.value,
            "budget_min": challenge.budget_min,
            "budget_max": challenge.budget_max,
            "prize_amount": challenge.prize_amount,
            "prize_description": challenge.prize_description,
            "trl": challenge.trl,
            "eligible_solvers": [kind.value for kind in challenge.eligible_kinds],
            "consortium_required": challenge.consortium_required,
            "opens_at": challenge.opens_at,
            "closes_at": challenge.closes_at,
            "published_at": challenge.published_at,
            "decision_at": challenge.decision_at,
        }
        for challenge, owner_name in rows
    ]


# --- organizations ---------------------------------------------------------------------------------------------------

ORGANIZATION_FIELDS = (
    Field("id", INTEGER, _l("The organization's number on the platform."), "7"),
    Field("slug", STRING, _l("The organization's name in its web address."), "pemkot-palembang"),
    Field("url", STRING, _l("The organization's page."), "https://goi.example.id/orgs/pemkot-palembang"),
    Field("name", STRING, _l("Name."), "Pemerintah Kota Palembang"),
    Field("kind", STRING, _l("Kind: government, industry, academia, community or investor."), "government"),
    Field(
        "government_kind",
        STRING,
        _l("For a government: province, regency, city, bumd or ministry."),
        "city",
    ),
    Field("description", STRING, _l("Description, as plain text (written in Markdown on the site)."), "Pemkot."),
    Field("website", STRING, _l("Web site."), "https://palembang.go.id"),
    *_region_fields(),
    Field("verified", BOOLEAN, _l("Whether the platform verified the organization."), "true"),
    Field("verified_at", DATETIME, _l("When it was verified (UTC)."), "2026-10-01T02:00:00Z"),
    Field("sectors", STRING_LIST, _l("Codes of the sectors it works in."), "water; transportation"),
    Field("created_at", DATETIME, _l("When it joined the platform (UTC)."), "2026-09-01T02:00:00Z"),
)


def organization_rows() -> list[dict[str, Any]]:
    """Every organization (all of them have a public page), in one statement."""
    return [
        {
            "id": organization.id,
            "slug": organization.slug,
            "url": absolute_url("orgs.show", slug=organization.slug),
            "name": organization.name,
            "kind": organization.kind.value,
            "government_kind": organization.government_kind.value if organization.government_kind else None,
            "description": plain_text(organization.description_html),
            "website": organization.website or None,
            **_region_values(organization.province_code, organization.regency_code),
            "verified": organization.verified_at is not None,
            "verified_at": organization.verified_at,
            "sectors": _list(organization.sectors),
            "created_at": organization.created_at,
        }
        for organization in db.session.scalars(select(Organization).order_by(Organization.id))
    ]


# --- metropolitan areas ----------------------------------------------------------------------------------------------

METRO_FIELDS = (
    Field("code", STRING, _l("The area's code."), "patungraya-agung"),
    Field("name", STRING, _l("Name."), "Patungraya Agung"),
    Field("url", STRING, _l("The area's page."), "https://goi.example.id/metros/patungraya-agung"),
    Field("core_regency_code", STRING, _l("Kemendagri code of the core city."), "16.71"),
    Field("core_regency_name", STRING, _l("Name of the core city."), "Kota Palembang"),
    Field("province_codes", STRING_LIST, _l("Kemendagri codes of the provinces it spans."), "16"),
    Field("province_names", STRING_LIST, _l("Names of those provinces."), "Sumatera Selatan"),
    Field("member_regency_codes", STRING_LIST, _l("Kemendagri codes of its regencies and cities."), "16.71; 16.07"),
    Field("member_regency_names", STRING_LIST, _l("Names of those regencies and cities."), "Kota Palembang; Banyuasin"),
)


def metro_rows() -> list[dict[str, Any]]:
    """The metropolitan areas of the reference data (goi/data/metros.json): no statement."""
    rows = []
    for metro in regions.metros():
        members = [regions.regency(code) for code in metro.member_codes]
        province_codes = list(dict.fromkeys(code.split(".", 1)[0] for code in metro.member_codes))
        core = regions.regency(metro.core_code)
        rows.append(
            {
                "code": metro.code,
                "name": metro.name,
                "url": absolute_url("metros.show", code=metro.code),
                "core_regency_code": metro.core_code,
                "core_regency_name": core.name if core else None,
                "province_codes": province_codes,
                "province_names": [getattr(regions.province(code), "name", "") for code in province_codes],
                "member_regency_codes": list(metro.member_codes),
                "member_regency_names": [member.name if member else "" for member in members],
            }
        )
    return rows


def metros_modified() -> datetime:
    """When the reference file of the areas last changed on this server."""
    path = Path(str(resources.files("goi.data").joinpath("metros.json")))
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)


# --- results and solutions -------------------------------------------------------------------------------------------

# A named proposal is shown in the results only while it stays submitted (proposals.permissions).
SHOWN_ENTRY = Proposal.status == ProposalStatus.SUBMITTED

_CHALLENGE_OF_RESULT = (
    Field("challenge_id", INTEGER, _l("Number of the challenge."), "42"),
    Field("challenge_slug", STRING, _l("The challenge's name in its web address."), "pengendalian-banjir-palembang"),
    Field(
        "challenge_url",
        STRING,
        _l("The challenge's page, where the results are shown."),
        "https://goi.example.id/challenges/pengendalian-banjir-palembang",
    ),
    Field("challenge_title", STRING, _l("Title of the challenge."), "Pengendalian banjir Palembang"),
)

RESULT_FIELDS = (
    *_CHALLENGE_OF_RESULT,
    Field("owner_organization_name", STRING, _l("Name of the organization that posted the challenge."), "Pemkot"),
    *_region_fields(),
    *_metro_fields(),
    Field("outcome", STRING, _l("awarded or not_awarded."), "awarded"),
    Field("published_at", DATETIME, _l("When the results were published (UTC)."), "2027-02-20T03:00:00Z"),
    Field("summary", STRING, _l("The results' account, as plain text (written in Markdown)."), "Tiga usulan."),
    Field("named_proposals", INTEGER, _l("Number of proposals the results name."), "3"),
    Field("winners", INTEGER, _l("Number of them awarded as winner."), "1"),
)


def _challenge_of_result(challenge: Challenge) -> dict[str, Any]:
    return {
        "challenge_id": challenge.id,
        "challenge_slug": challenge.slug,
        "challenge_url": absolute_url("challenges.show", slug=challenge.slug) + "#results",
        "challenge_title": challenge.title,
    }


def result_rows() -> list[dict[str, Any]]:
    """Every published result, with the number of proposals it shows and of winners, in one statement."""
    named = (
        select(
            ResultEntry.result_id,
            func.count().label("named"),
            func.sum(case((ResultEntry.award == AwardLabel.WINNER, 1), else_=0)).label("winners"),
        )
        .join(Proposal, Proposal.id == ResultEntry.proposal_id)
        .where(SHOWN_ENTRY)
        .group_by(ResultEntry.result_id)
        .subquery()
    )
    rows = db.session.execute(
        select(ChallengeResult, Challenge, Organization.name, named.c.named, named.c.winners)
        .join(Challenge, Challenge.id == ChallengeResult.challenge_id)
        .join(Organization, Organization.id == Challenge.owner_org_id)
        .outerjoin(named, named.c.result_id == ChallengeResult.id)
        .where(PUBLIC_CHALLENGE)
        .order_by(ChallengeResult.published_at, ChallengeResult.id)
    )
    return [
        {
            **_challenge_of_result(challenge),
            "owner_organization_name": owner_name,
            **_region_values(challenge.province_code, challenge.regency_code),
            **_metro_values(challenge.metro_code),
            "outcome": challenge.outcome.value if challenge.outcome else None,
            "published_at": result.published_at,
            "summary": plain_text(result.summary_html),
            "named_proposals": int(number or 0),
            "winners": int(winners or 0),
        }
        for result, challenge, owner_name, number, winners in rows
    ]


SOLUTION_FIELDS = (
    *_CHALLENGE_OF_RESULT,
    *_region_fields(),
    Field(
        "award",
        STRING,
        _l("The award: winner, runner_up, honourable_mention or shortlisted."),
        "winner",
    ),
    Field("position", INTEGER, _l("Place in the published list (1 first)."), "1"),
    Field("title", STRING, _l("Title of the proposal."), "Sensor genangan pintar"),
    Field("team", STRING, _l("The organization that proposed it, else its lead's name."), "PT Sensor Nusantara"),
    Field("summary", STRING, _l("The proposal's public summary (plain text)."), "Jaringan sensor murah."),
    Field("citation", STRING, _l("The jury's citation (plain text)."), "Murah dan siap dipasang."),
    Field("results_published_at", DATETIME, _l("When the results were published (UTC)."), "2027-02-20T03:00:00Z"),
)


def solution_rows() -> list[dict[str, Any]]:
    """The proposals published results name, as the results section shows them, in one statement."""
    rows = db.session.execute(
        select(ResultEntry, Proposal, Challenge, ChallengeResult.published_at, Organization.name, User.name)
        .join(ChallengeResult, ChallengeResult.id == ResultEntry.result_id)
        .join(Proposal, Proposal.id == ResultEntry.proposal_id)
        .join(Challenge, Challenge.id == ChallengeResult.challenge_id)
        .join(User, User.id == Proposal.lead_user_id)
        .outerjoin(Organization, Organization.id == Proposal.organization_id)
        .where(SHOWN_ENTRY, PUBLIC_CHALLENGE)
        .order_by(ChallengeResult.published_at, ChallengeResult.id, ResultEntry.position, ResultEntry.id)
    )
    return [
        {
            **_challenge_of_result(challenge),
            **_region_values(challenge.province_code, challenge.regency_code),
            "award": entry.award.value,
            "position": entry.position,
            "title": proposal.title,
            "team": organization_name or lead_name,
            "summary": proposal.summary,
            "citation": entry.citation,
            "results_published_at": published_at,
        }
        for entry, proposal, challenge, published_at, organization_name, lead_name in rows
    ]


# --- offers and requests ---------------------------------------------------------------------------------------------

OFFER_FIELDS = (
    Field("id", INTEGER, _l("The offer's number on the platform."), "12"),
    Field("url", STRING, _l("The offer's page."), "https://goi.example.id/offers/12"),
    Field(
        "kind",
        STRING,
        _l("Kind: technology_offer, technology_request, partnership_request or investment_offer."),
        "technology_offer",
    ),
    Field("title", STRING, _l("Title."), "Sensor kualitas air"),
    Field("description", STRING, _l("Description (plain text)."), "Sensor murah untuk sungai."),
    Field("sector", STRING, _l("Sector code."), "water"),
    Field("sector_name", STRING, _l("Sector name (Indonesian)."), "Air"),
    Field("organization_id", INTEGER, _l("Number of the organization that posted it."), "9"),
    Field("organization_name", STRING, _l("Name of that organization."), "PT Sensor Nusantara"),
    *_region_fields(),
    Field("expires_on", DATE, _l("Last day it is shown (Jakarta's calendar)."), "2027-06-30"),
    Field("created_at", DATETIME, _l("When it was posted (UTC)."), "2026-11-02T04:00:00Z"),
)


def offer_rows() -> list[dict[str, Any]]:
    """The live offers and requests (public, not expired), as the marketplace lists them, in one statement."""
    rows = db.session.execute(
        select(Offer, Organization.name)
        .join(Organization, Organization.id == Offer.organization_id)
        .where(Offer.is_public.is_(True), Offer.expires_on >= offers.today())
        .order_by(Offer.id)
    )
    return [
        {
            "id": offer.id,
            "url": absolute_url("orgs.offer", offer_id=offer.id),
            "kind": offer.kind.value,
            "title": offer.title,
            "description": offer.description,
            "sector": offer.sector,
            "sector_name": _sector_name(offer.sector),
            "organization_id": offer.organization_id,
            "organization_name": organization_name,
            **_region_values(offer.province_code, offer.regency_code),
            "expires_on": offer.expires_on,
            "created_at": offer.created_at,
        }
        for offer, organization_name in rows
    ]


STATISTICS_FIELDS = (
    Field(
        "figure",
        STRING,
        _l("The figure's code: summary, sectors, provinces, metros, states, proposals, solvers or months."),
        "provinces",
    ),
    Field("figure_title", STRING, _l("The figure's title (Indonesian)."), "Tantangan per provinsi"),
    Field(
        "row_code",
        STRING,
        _l("The row's code where it has one: a sector's, a Kemendagri province code, an area's, a state's, a kind's."),
        "16",
    ),
    Field(
        "row_label",
        STRING,
        _l("The row's label (Indonesian): a province, a sector, a month (YYYY-MM)…"),
        "Sumatera Selatan",
    ),
    Field(
        "measure",
        STRING,
        _l("What the value counts: the figure's column (challenges, open, proposals…)."),
        "challenges",
    ),
    Field("value", NUMBER, _l("The value (empty when there is none yet, such as a median of nothing)."), "12"),
)


def statistics_rows() -> list[dict[str, Any]]:
    """The figures of /statistics in long form: one row per figure, row and measure (twelve statements)."""
    with force_locale("id"):
        figures = platform_statistics().figures
        rows = []
        for name in FIGURE_NAMES:
            figure = figures[name]
            code_field = next(
                (c.field for c in figure.columns if not c.numeric and c.field != figure.label_field), None
            )
            for row in figure.rows:
                for column in figure.columns:
                    if column.numeric:
                        rows.append(
                            {
                                "figure": figure.name,
                                "figure_title": str(figure.title),
                                "row_code": row.get(code_field) if code_field else None,
                                "row_label": str(row[figure.label_field]),
                                "measure": column.field,
                                "value": None if row[column.field] == "" else row[column.field],
                            }
                        )
    return rows


# --- the datasets ----------------------------------------------------------------------------------------------------

DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (
        Dataset(
            "challenges",
            _l("Challenges"),
            _l(
                "Every challenge governments have published on the platform (never drafts), with its sector, region, "
                "budget, eligibility and timeline."
            ),
            (("tantangan", "challenges"), ("inovasi", "innovation"), ("pemerintah daerah", "local government")),
            CHALLENGE_FIELDS,
            challenge_rows,
            lambda: select(func.max(Challenge.updated_at)).where(PUBLIC_CHALLENGE).scalar_subquery(),
        ),
        Dataset(
            "organizations",
            _l("Organizations"),
            _l("The governments, companies, universities, communities and investors on the platform."),
            (("organisasi", "organizations"), ("pemerintah", "government")),
            ORGANIZATION_FIELDS,
            organization_rows,
            lambda: select(func.max(Organization.updated_at)).scalar_subquery(),
        ),
        Dataset(
            "metros",
            _l("Metropolitan areas"),
            _l("The metropolitan areas (kawasan perkotaan): a core city and the regencies and cities around it."),
            (("kawasan perkotaan", "metropolitan areas"), ("wilayah", "regions")),
            METRO_FIELDS,
            metro_rows,
        ),
        Dataset(
            "results",
            _l("Published results"),
            _l("The results challenge owners published once they decided: one row per challenge."),
            (("hasil", "results"), ("tantangan", "challenges")),
            RESULT_FIELDS,
            result_rows,
            lambda: select(func.max(ChallengeResult.published_at)).scalar_subquery(),
        ),
        Dataset(
            "solutions",
            _l("Solutions named in results"),
            _l(
                "The proposals published results name, with their award and the jury's citation: only their public "
                "part, as the challenge page shows it."
            ),
            (("solusi", "solutions"), ("pemenang", "winners")),
            SOLUTION_FIELDS,
            solution_rows,
            lambda: select(func.max(ChallengeResult.published_at)).scalar_subquery(),
        ),
        Dataset(
            "offers",
            _l("Offers and requests"),
            _l("The marketplace's live offers and requests: public and not expired."),
            (("penawaran", "offers"), ("permintaan", "requests"), ("kemitraan", "partnership")),
            OFFER_FIELDS,
            offer_rows,
            lambda: select(func.max(Offer.updated_at)).scalar_subquery(),
        ),
        Dataset(
            "statistics",
            _l("Statistics"),
            _l(
                "The figures of the statistics page: challenges by sector, province, metropolitan area and state, "
                "proposals per challenge, the solver mix, the monthly series and the single numbers."
            ),
            (("statistik", "statistics"), ("tantangan", "challenges")),
            STATISTICS_FIELDS,
            statistics_rows,
            lambda: select(func.max(Challenge.updated_at)).where(PUBLIC_CHALLENGE).scalar_subquery(),
        ),
    )
}


def modified_dates(datasets: Iterable[Dataset]) -> dict[str, datetime | None]:
    """When each dataset last changed, from one statement (None: no row yet)."""
    datasets = list(datasets)
    queried = [dataset for dataset in datasets if dataset.modified is not None]
    found: dict[str, datetime | None] = {}
    if queried:
        row = db.session.execute(select(*(dataset.modified().label(dataset.name) for dataset in queried))).one()
        found = dict(zip((dataset.name for dataset in queried), row, strict=True))
    return {dataset.name: found[dataset.name] if dataset.modified else metros_modified() for dataset in datasets}
