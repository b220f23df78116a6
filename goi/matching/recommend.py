"""Recommendations, each with its reasons: challenges for a solver, solvers for a challenge, partners for a team,
reviewers for a panel and similar challenges.

Every score mixes the text fit (`corpus.Corpus.scores`: the cosine of the analysed texts, so stems, acronyms and
thesaurus concepts across Indonesian and English meet) with the sector and the region, after the rules that no
score overrides: a closed or ineligible challenge is never recommended, nor anything the user dismissed.

    challenge ↔ solver   0.70 text + 0.20 sector + 0.10 region
    partner              harmonic mean of what each side gets from the other (below), tempered by the kinds' fit

The region fit is 1 when the solver serves the challenge's kabupaten/kota or province (or is based in its
kabupaten/kota), 0.7 when it serves a member of the challenge's metropolitan area, 0.5 when it serves or is based
in the challenge's province. The weights were chosen on the judged set of tests/matching/judged (there is no second,
held-out set): with 0.65/0.20/0.15 challenges for organizations scored 0.785, with these 0.805.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from goi.accounts.models import User
from goi.challenges.models import Challenge, SolverKind
from goi.core import clock
from goi.data import regions, taxonomy
from goi.matching import sources, text
from goi.matching.corpus import Corpus, Entry, fresh, fresh_if_ready, top
from goi.matching.models import Dismissal
from goi.matching.sources import challenge_text
from goi.orgs.models import Membership, Organization, OrgKind, PastProject

TEXT_WEIGHT, SECTOR_WEIGHT, REGION_WEIGHT = 0.70, 0.20, 0.10
SHORTLIST = 300  # rows re-ranked with the region after the vectorised text and sector scores
MAX_LIMIT = 50
# How much a partner of one kind brings a lead of another: industry and academia complete each other, a local
# community brings the work on the ground.
KIND_FIT = {
    ("academia", "industry"): 1.0,
    ("industry", "academia"): 1.0,
    ("community", "industry"): 0.9,
    ("community", "academia"): 0.9,
    ("industry", "community"): 0.9,
    ("academia", "community"): 0.9,
    ("investor", "industry"): 0.8,
    ("industry", "investor"): 0.7,
    ("investor", "academia"): 0.6,
    ("academia", "investor"): 0.6,
    ("community", "investor"): 0.5,
    ("investor", "community"): 0.5,
}
SAME_KIND_FIT = 0.5
CHALLENGE_SHARE = (
    0.6  # of a side's figure that is the partner's fit to the challenge, when that side says what it seeks
)
PARTNER_SECTOR = 0.1  # added to both sides for a partner working in the challenge's sector (and sharing its words)
KIND_INFLUENCE = 0.5
GAP_SHARE = 0.5  # of the lead's need that is what the challenge asks beyond the lead's own profile


@dataclass(slots=True)
class Reason:
    """Why something is suggested: its kind (terms, sector, region, kind, solution, brings, gets) and the words."""

    kind: str
    text: str
    values: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "values": self.values}


@dataclass(slots=True)
class Suggestion:
    target: str  # "challenge:5", "organization:3", "user:7"
    kind: str
    object_id: int
    ref: str | None
    name: str
    score: float
    reasons: list[Reason]
    slug: str | None = None
    facts: dict = field(default_factory=dict)


@dataclass(slots=True)
class Solver:
    """Who a recommendation is for: the profile texts, the kinds it may apply as, sectors and regions."""

    profile: text.TextProfile
    kinds: frozenset[str]
    sectors: frozenset[str]
    regions: frozenset[str]
    provinces: frozenset[str]
    regencies: frozenset[str]
    projects: list[dict]
    exclude_owners: frozenset[int] = frozenset()


# Below these a suggestion shares only stray words: a recommendation needs MIN_TEXT or a shared sector, a similar
# challenge MIN_SIMILAR (on the demo, the unrelated challenges' templates score under 0.04, related ones above 0.12).
MIN_TEXT = 0.02
MIN_SIMILAR = 0.1


def clamp_limit(limit: int | None) -> int:
    return max(1, min(MAX_LIMIT, limit or 10))


# ----------------------------------------------------------------------------------------------------------------
# Regions


@cache
def _metros_of_regency() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for metro in regions.metros():
        for code in metro.member_codes:
            found.setdefault(code, set()).add(metro.code)
    return {code: frozenset(metros) for code, metros in found.items()}


def _challenge_metros(facts: dict) -> frozenset[str]:
    metros = set(_metros_of_regency().get(facts.get("regency") or "", frozenset()))
    if facts.get("metro"):
        metros.add(facts["metro"])
    return frozenset(metros)


@dataclass(frozen=True, slots=True)
class Place:
    """The place where a solver's regions meet a challenge's: its code (Kemendagri, or a metropolitan area's) and
    its name."""

    code: str
    name: str

    def reason(self) -> "Reason":
        return Reason("region", _("Region: %(place)s", place=self.name), [self.code])


def region_fit(
    challenge: dict, served: frozenset[str], provinces: frozenset[str], regencies: frozenset[str]
) -> tuple[float, Place | None]:
    """How well a solver's regions (served, and where it is based) fit a challenge's, with the place that fits."""
    regency, province = challenge.get("regency"), challenge.get("province")
    if regency and (regency in served or regency in regencies):
        return 1.0, Place(regency, regions.place_name(province, regency))
    if province and province in served:
        return 1.0, Place(province, regions.place_name(province))
    metros = _challenge_metros(challenge)
    if metros:
        for code in sorted(served | regencies):
            shared = _metros_of_regency().get(code, frozenset()) & metros
            if shared:
                metro = regions.metro(sorted(shared)[0])
                return 0.7, Place(metro.code, metro.name) if metro else None
    if province and (province in provinces or any(code.split(".")[0] == province for code in served if "." in code)):
        return 0.5, Place(province, regions.place_name(province))
    return 0.0, None


# ----------------------------------------------------------------------------------------------------------------
# Reasons


def _sector_label(code: str) -> str:
    from flask_babel import get_locale

    sector = taxonomy.sector(code)
    return sector.label(str(get_locale() or "id")) if sector else code


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "id")


def _term_reason(left: text.TextProfile, right: text.TextProfile, idf: dict[str, float]) -> Reason | None:
    terms = text.shared_terms(left, right, idf, limit=5, locale=_locale())
    if not terms:
        return None
    return Reason("terms", _("Shared key terms: %(terms)s", terms=", ".join(terms)), terms)


def _solution_reasons(projects: list[dict], other: text.TextProfile, idf: dict[str, float]) -> list[Reason]:
    """The solver's past projects that share terms with the other side, best first (at most two)."""
    scored = []
    for project in projects:
        fit = text.affinity(project["profile"], other, idf)
        if fit > 0.05:
            scored.append((fit, project))
    scored.sort(key=lambda item: -item[0])
    reasons = []
    for _fit, project in scored[:2]:
        label = f"{project['title']} ({project['year']})" if project.get("year") else project["title"]
        reasons.append(Reason("solution", _("Past solution: %(title)s", title=label), [project["title"]]))
    return reasons


def _kind_label(kind: str) -> str:
    labels = {
        "industry": _("industry"),
        "academia": _("academia"),
        "community": _("communities"),
        "citizen": _("citizens"),
        "investor": _("investors"),
    }
    return labels.get(kind, kind)


# ----------------------------------------------------------------------------------------------------------------
# Dismissals


def dismissed(session: Session, user: User | None, kind: str, context: str = "") -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        session.scalars(
            select(Dismissal.target).where(
                Dismissal.user_id == user.id, Dismissal.kind == kind, Dismissal.context == context
            )
        )
    )


def dismiss(session: Session, user: User, kind: str, target: str, context: str = "") -> None:
    """Never suggest `target` to the user in that list again (dismissing twice is harmless)."""
    exists = session.scalar(
        select(Dismissal.id).where(
            Dismissal.user_id == user.id,
            Dismissal.kind == kind,
            Dismissal.context == context,
            Dismissal.target == target,
        )
    )
    if exists is None:
        session.add(Dismissal(user_id=user.id, kind=kind, target=target, context=context))
        session.flush()


# ----------------------------------------------------------------------------------------------------------------
# Challenges for a solver


def _open_mask(corpus: Corpus, now: datetime) -> np.ndarray:
    """The rows taking proposals at `now`: published, opened, not yet closed."""
    published = corpus.column("status", lambda status: status == "published", name="published")
    opens = corpus.column("opens_at", lambda moment: moment.timestamp(), name="opens_ts")
    closes = corpus.column("closes_at", lambda moment: moment.timestamp(), name="closes_ts")
    moment = now.timestamp()
    return published & (opens <= moment) & (moment < closes)


def _kinds_mask(corpus: Corpus, kinds: Iterable[str]) -> np.ndarray:
    """The challenges open to any of the kinds."""
    mask = np.zeros(len(corpus.ids), dtype=bool)
    for kind in kinds:
        mask |= corpus.column("allowed", lambda allowed, kind=kind: kind in allowed, name=f"allows:{kind}")
    return mask


def _in_set_mask(corpus: Corpus, key: str, values: Iterable) -> np.ndarray:
    """The rows whose fact `key` is one of the values."""
    wanted = set(values)
    return (
        np.array([value in wanted for value in corpus.column(key)], dtype=bool)
        if wanted
        else (np.zeros(len(corpus.ids), dtype=bool))
    )


def _solver_of_organizations(organizations: Iterable[Organization], extra_texts: Iterable[str] = ()) -> Solver:
    organizations = list(organizations)

    texts = list(extra_texts)
    for organization in organizations:
        texts += sources.organization_texts(organization)
    return Solver(
        profile=text.text_profile(*texts),
        kinds=frozenset(organization.kind.value for organization in organizations),
        sectors=frozenset(code for organization in organizations for code in organization.sector_list),
        regions=frozenset(code for organization in organizations for code in organization.regions_served_list),
        provinces=frozenset(o.province_code for o in organizations if o.province_code),
        regencies=frozenset(o.regency_code for o in organizations if o.regency_code),
        projects=[],
        exclude_owners=frozenset(o.id for o in organizations if o.kind == OrgKind.GOVERNMENT),
    )


def _with_projects(session: Session, solver: Solver, organization_ids: list[int], user_id: int | None) -> Solver:
    conditions = []
    if organization_ids:
        conditions.append(PastProject.organization_id.in_(organization_ids))
    if user_id is not None:
        conditions.append(PastProject.user_id == user_id)
    if not conditions:
        return solver
    from sqlalchemy import or_

    projects = session.scalars(
        select(PastProject).where(or_(*conditions), PastProject.counts_for_matching.is_(True)).order_by(PastProject.id)
    ).all()
    texts = [f"{project.title} {project.description}" for project in projects]
    counts = dict(solver.profile.counts)
    words = dict(solver.profile.words)
    extra = text.text_profile(*texts)
    for feature, count in extra.counts.items():
        counts[feature] = counts.get(feature, 0) + count
        words.setdefault(feature, extra.words.get(feature, feature))
    solver.profile = text.TextProfile(counts=counts, words=words)
    solver.projects = [
        {"title": p.title, "year": p.year, "profile": text.text_profile(p.title, p.description)} for p in projects
    ]
    return solver


def solver_for_organization(session: Session, organization: Organization) -> Solver:
    solver = _solver_of_organizations([organization])
    return _with_projects(session, solver, [organization.id], None)


def solver_for_user(session: Session, user: User) -> Solver:
    from goi.search.documents import plain_text

    organizations = list(
        session.scalars(
            select(Organization)
            .join(Membership, Membership.organization_id == Organization.id)
            .where(Membership.user_id == user.id)
            .order_by(Organization.id)
        )
    )
    solver = _solver_of_organizations(organizations, [user.headline, plain_text(user.bio_html), *user.expertise_list])
    solver.kinds = solver.kinds | {SolverKind.CITIZEN.value}
    solver.sectors = solver.sectors | frozenset(user.sector_list)
    solver.regions = solver.regions | frozenset(user.regions_served_list)
    if user.province_code:
        solver.provinces = solver.provinces | {user.province_code}
    if user.regency_code:
        solver.regencies = solver.regencies | {user.regency_code}
    return _with_projects(session, solver, [organization.id for organization in organizations], user.id)


def challenges_for(
    session: Session, solver: Solver, *, limit: int = 10, viewer: User | None = None, now: datetime | None = None
) -> list[Suggestion]:
    """Open challenges the solver may apply to, best fit first, each with its reasons."""
    limit = clamp_limit(limit)
    corpus = fresh(session, "challenges")
    if not len(corpus.ids) or (not solver.profile and not solver.sectors):
        return []
    now = now or clock.now()
    allowed = _open_mask(corpus, now) & _kinds_mask(corpus, solver.kinds)
    if solver.exclude_owners:
        allowed &= ~_in_set_mask(corpus, "owner", solver.exclude_owners)
    hidden = dismissed(session, viewer, "challenge")
    if hidden:
        allowed &= np.array([f"challenge:{row_id}" not in hidden for row_id in corpus.ids], dtype=bool)
    text_scores = corpus.scores(solver.profile)
    sector_match = _in_set_mask(corpus, "sector", solver.sectors).astype(float)
    first = TEXT_WEIGHT * text_scores + SECTOR_WEIGHT * sector_match
    # A challenge that shares a few stray words and no sector is no suggestion, whatever its region.
    allowed &= (text_scores >= MIN_TEXT) | (sector_match > 0)
    suggestions = []
    idf = corpus.idf_map()
    for position in top(first, allowed, SHORTLIST):
        entry = corpus.entries[int(corpus.ids[position])]
        fit, place = region_fit(entry.facts, solver.regions, solver.provinces, solver.regencies)
        suggestions.append((first[position] + REGION_WEIGHT * fit, entry, text_scores[position], place))
    suggestions.sort(key=lambda item: (-item[0], item[1].id))
    return [
        _challenge_suggestion(entry, score, text_score, place, solver, idf)
        for score, entry, text_score, place in suggestions[:limit]
    ]


def _challenge_suggestion(
    entry: Entry, score: float, text_score: float, place: Place | None, solver: Solver, idf: dict[str, float]
) -> Suggestion:
    facts = entry.facts
    reasons = []
    if text_score > 0:
        reason = _term_reason(solver.profile, entry.profile, idf)
        if reason:
            reasons.append(reason)
    if facts["sector"] in solver.sectors:
        label = _sector_label(facts["sector"])
        reasons.append(Reason("sector", _("Sector: %(sector)s", sector=label), [facts["sector"]]))
    if place:
        reasons.append(place.reason())
    kinds = sorted(solver.kinds & facts["allowed"])
    if kinds:
        labels = ", ".join(_kind_label(kind) for kind in kinds)
        reasons.append(Reason("kind", _("Open to %(kinds)s", kinds=labels), kinds))
    reasons += _solution_reasons(solver.projects, entry.profile, idf)
    return Suggestion(
        target=f"challenge:{entry.id}",
        kind="challenge",
        object_id=entry.id,
        ref=facts["ref"],
        name=facts["title"],
        score=round(float(score), 4),
        reasons=reasons,
        slug=facts["slug"],
        facts={"closes_at": facts["closes_at"], "sector": facts["sector"], "published_at": facts["published_at"]},
    )


def challenges_for_organization(
    session: Session, organization: Organization, limit: int = 10, viewer: User | None = None
) -> list[Suggestion]:
    return challenges_for(session, solver_for_organization(session, organization), limit=limit, viewer=viewer)


def challenges_for_user(session: Session, user: User, limit: int = 10) -> list[Suggestion]:
    return challenges_for(session, solver_for_user(session, user), limit=limit, viewer=user)


# ----------------------------------------------------------------------------------------------------------------
# Solvers for a challenge


def _challenge_profile(challenge: Challenge) -> text.TextProfile:
    return text.text_profile(
        *challenge_text(challenge.title, challenge.summary, challenge.problem_html, challenge.outcomes_html)
    )


def _challenge_facts(challenge: Challenge) -> dict:
    return {
        "sector": challenge.sector,
        "province": challenge.province_code,
        "regency": challenge.regency_code,
        "metro": challenge.metro_code,
    }


def _solver_scores(
    corpus: Corpus, profile: text.TextProfile, facts: dict, allowed: np.ndarray
) -> list[tuple[float, Entry, float, str | None]]:
    text_scores = corpus.scores(profile)
    sector = facts.get("sector")
    sector_match = corpus.column("sectors", lambda sectors: sector in sectors, name=f"sector:{sector}").astype(float)
    first = TEXT_WEIGHT * text_scores + SECTOR_WEIGHT * sector_match
    allowed = allowed & ((text_scores >= MIN_TEXT) | (sector_match > 0))
    scored = []
    for position in top(first, allowed, SHORTLIST):
        entry = corpus.entries[int(corpus.ids[position])]
        regencies = frozenset([entry.facts["regency"]] if entry.facts.get("regency") else [])
        provinces = frozenset([entry.facts["province"]] if entry.facts.get("province") else [])
        fit, place = region_fit(facts, entry.facts["regions"], provinces, regencies)
        scored.append((first[position] + REGION_WEIGHT * fit, entry, text_scores[position], place))
    return scored


def solvers_for_challenge(
    session: Session, challenge: Challenge, limit: int = 10, viewer: User | None = None
) -> list[Suggestion]:
    """Organizations and people who may apply to the challenge, best fit first, each with its reasons."""
    limit = clamp_limit(limit)
    profile = _challenge_profile(challenge)
    facts = _challenge_facts(challenge)
    kinds = {kind.value for kind in challenge.eligible_kinds}
    hidden = dismissed(session, viewer, "solver", f"challenge:{challenge.id}")
    scored: list[tuple[float, Entry, float, str | None, str, Corpus]] = []
    organizations = fresh(session, "organizations")
    if len(organizations.ids):
        allowed = _in_set_mask(organizations, "kind", kinds)
        if hidden:
            allowed &= np.array([f"organization:{i}" not in hidden for i in organizations.ids], dtype=bool)
        for item in _solver_scores(organizations, profile, facts, allowed):
            scored.append((*item, "organization", organizations))
    if SolverKind.CITIZEN.value in kinds:
        people = fresh(session, "people")
        if len(people.ids):
            allowed = np.ones(len(people.ids), dtype=bool)
            if hidden:
                allowed &= np.array([f"user:{i}" not in hidden for i in people.ids], dtype=bool)
            for item in _solver_scores(people, profile, facts, allowed):
                scored.append((*item, "user", people))
    scored.sort(key=lambda item: (-item[0], item[4], item[1].id))
    results = []
    for score, entry, text_score, place, kind, corpus in scored[:limit]:
        idf = corpus.idf_map()
        reasons = []
        if text_score > 0:
            reason = _term_reason(profile, entry.profile, idf)
            if reason:
                reasons.append(reason)
        if facts["sector"] in entry.facts["sectors"]:
            label = _sector_label(facts["sector"])
            reasons.append(Reason("sector", _("Sector: %(sector)s", sector=label), [facts["sector"]]))
        if place:
            reasons.append(place.reason())
        reasons.append(
            Reason("kind", _("May apply as %(kind)s", kind=_kind_label(entry.facts["kind"])), [entry.facts["kind"]])
        )
        reasons += _solution_reasons(entry.facts["projects"], profile, idf)
        results.append(
            Suggestion(
                target=f"{kind}:{entry.id}",
                kind=kind,
                object_id=entry.id,
                ref=entry.facts.get("ref"),
                name=entry.facts["name"],
                score=round(float(score), 4),
                reasons=reasons,
                slug=entry.facts.get("slug"),
                facts={"kind": entry.facts["kind"]},
            )
        )
    return results


# ----------------------------------------------------------------------------------------------------------------
# Partners for a team


def _harmonic(left: float, right: float) -> float:
    return 0.0 if left <= 0 or right <= 0 else 2 * left * right / (left + right)


def partners_for(
    session: Session,
    organization: Organization,
    challenge: Challenge | None = None,
    limit: int = 10,
    viewer: User | None = None,
) -> list[Suggestion]:
    """Organizations complementary to the lead, scored in both directions and combined by their harmonic mean.

    What the lead gets from a partner: the partner's offer against what the lead seeks (and against the challenge);
    what the partner gets: the lead's offer against what the partner seeks (and the challenge against the partner's
    offer, its reason to join). Each side's figure is multiplied by how the kinds complete each other, so a match
    must suit both, not one.
    """
    limit = clamp_limit(limit)
    corpus = fresh(session, "organizations")
    if not len(corpus.ids):
        return []
    lead = _with_projects(session, _solver_of_organizations([organization]), [organization.id], None)
    lead_seeking = text.text_profile(*organization.seeking_list)
    challenge_profile = _challenge_profile(challenge) if challenge is not None else None
    context = f"challenge:{challenge.id}" if challenge is not None else ""
    hidden = dismissed(session, viewer, "partner", context)
    allowed = corpus.ids != organization.id
    if challenge is not None:
        kinds = {kind.value for kind in challenge.eligible_kinds}
        allowed &= _in_set_mask(corpus, "kind", kinds)
    if hidden:
        allowed &= np.array([f"organization:{i}" not in hidden for i in corpus.ids], dtype=bool)
    # What each row offers against what the lead seeks and against the challenge; what each row seeks against
    # what the lead offers.
    offers_for_lead = corpus.scores(lead_seeking) if lead_seeking else np.zeros(len(corpus.ids))
    offers_for_challenge = corpus.scores(challenge_profile) if challenge_profile else np.zeros(len(corpus.ids))
    seeks_lead = corpus.scores(lead.profile, seeking=True)
    has_seeking = np.array([bool(corpus.entries[int(i)].seeking) for i in corpus.ids], dtype=bool)
    # With a challenge, both sides first want a partner who fits it; the lead above all one who brings what the
    # challenge asks and the lead does not offer (the gap); what each seeks of the other comes beside it.
    if challenge_profile is not None:
        gap = text.TextProfile(
            counts={f: c for f, c in challenge_profile.counts.items() if f not in lead.profile.counts},
            words=challenge_profile.words,
        )
        offers_for_gap = corpus.scores(gap) if gap else np.zeros(len(corpus.ids))
        need = GAP_SHARE * offers_for_gap + (1 - GAP_SHARE) * offers_for_challenge
        lead_gets = CHALLENGE_SHARE * need + (1 - CHALLENGE_SHARE) * offers_for_lead if lead_seeking else need
        partner_gets = np.where(
            has_seeking,
            CHALLENGE_SHARE * offers_for_challenge + (1 - CHALLENGE_SHARE) * seeks_lead,
            offers_for_challenge,
        )
        sector = corpus.column(
            "sectors", lambda sectors: challenge.sector in sectors, name=f"sector:{challenge.sector}"
        ).astype(float)
        bonus = PARTNER_SECTOR * sector * (offers_for_challenge > 0)
        lead_gets, partner_gets = lead_gets + bonus, partner_gets + bonus
    else:
        lead_gets, partner_gets = offers_for_lead, seeks_lead
    lead_kind = organization.kind.value
    kinds = corpus.column("kind")
    kind_fit = np.array(
        [KIND_FIT.get((lead_kind, kind), SAME_KIND_FIT if kind == lead_kind else 0.3) for kind in kinds]
    )
    back_fit = np.array(
        [KIND_FIT.get((kind, lead_kind), SAME_KIND_FIT if kind == lead_kind else 0.3) for kind in kinds]
    )
    # The kinds temper each side's figure; they do not decide it.
    left = lead_gets * (1 - KIND_INFLUENCE + KIND_INFLUENCE * kind_fit)
    right = partner_gets * (1 - KIND_INFLUENCE + KIND_INFLUENCE * back_fit)
    combined = np.where((left > 0) & (right > 0), 2 * left * right / np.maximum(left + right, 1e-12), 0.0)
    idf = corpus.idf_map()
    results = []
    for position in top(combined, allowed, limit):
        entry = corpus.entries[int(corpus.ids[position])]
        reasons = []
        brings = text.shared_terms(lead_seeking, entry.profile, idf, limit=4, locale=_locale()) if lead_seeking else []
        if not brings and challenge_profile is not None:
            brings = text.shared_terms(challenge_profile, entry.profile, idf, limit=4, locale=_locale())
        if brings:
            reasons.append(Reason("brings", _("They bring: %(terms)s", terms=", ".join(brings)), brings))
        gets = text.shared_terms(entry.seeking, lead.profile, idf, limit=4, locale=_locale()) if entry.seeking else []
        if gets:
            reasons.append(Reason("gets", _("You bring them: %(terms)s", terms=", ".join(gets)), gets))
        elif challenge_profile is not None:
            reason = _term_reason(challenge_profile, entry.profile, idf)
            if reason:
                reasons.append(reason)
        reasons.append(
            Reason(
                "kind",
                _("%(kind)s beside %(lead)s", kind=_kind_label(entry.facts["kind"]), lead=_kind_label(lead_kind)),
                [entry.facts["kind"]],
            )
        )
        if challenge is not None:
            _fit, place = region_fit(
                _challenge_facts(challenge),
                entry.facts["regions"],
                frozenset([entry.facts["province"]] if entry.facts.get("province") else []),
                frozenset([entry.facts["regency"]] if entry.facts.get("regency") else []),
            )
            if place:
                reasons.append(place.reason())
        results.append(
            Suggestion(
                target=f"organization:{entry.id}",
                kind="organization",
                object_id=entry.id,
                ref=entry.facts.get("ref"),
                name=entry.facts["name"],
                score=round(float(combined[position]), 4),
                reasons=reasons,
                slug=entry.facts.get("slug"),
                facts={
                    "kind": entry.facts["kind"],
                    "lead_gets": float(left[position]),
                    "partner_gets": float(right[position]),
                },
            )
        )
    return results


# ----------------------------------------------------------------------------------------------------------------
# Similar challenges


def similar_challenges(
    session: Session, challenge: Challenge, limit: int = 5, viewer: User | None = None, wait: bool = True
) -> list[Suggestion]:
    """Published challenges of other governments about the same problem, best first; with `wait` false, none while
    the corpus's first build runs in the background."""
    limit = clamp_limit(limit)
    corpus = fresh_if_ready(session, "challenges") if not wait else fresh(session, "challenges")
    if corpus is None or not len(corpus.ids):
        return []
    owners = {challenge.owner_org_id, *(co.organization_id for co in challenge.co_owners)}
    allowed = ~_in_set_mask(corpus, "owner", owners)
    allowed &= corpus.ids != challenge.id
    hidden = dismissed(session, viewer, "similar", f"challenge:{challenge.id}")
    if hidden:
        allowed &= np.array([f"challenge:{i}" not in hidden for i in corpus.ids], dtype=bool)
    profile = _challenge_profile(challenge)
    text_scores = corpus.scores(profile)
    sector_match = _in_set_mask(corpus, "sector", [challenge.sector]).astype(float)
    scores = 0.85 * text_scores + 0.15 * sector_match * (text_scores > 0)
    allowed &= scores >= MIN_SIMILAR
    idf = corpus.idf_map()
    results = []
    for position in top(scores, allowed, limit):
        entry = corpus.entries[int(corpus.ids[position])]
        reasons = []
        reason = _term_reason(profile, entry.profile, idf)
        if reason:
            reasons.append(reason)
        if entry.facts["sector"] == challenge.sector:
            reasons.append(
                Reason("sector", _("Sector: %(sector)s", sector=_sector_label(challenge.sector)), [challenge.sector])
            )
        place = regions.place_name(entry.facts.get("province"), entry.facts.get("regency"))
        results.append(
            Suggestion(
                target=f"challenge:{entry.id}",
                kind="challenge",
                object_id=entry.id,
                ref=entry.facts["ref"],
                name=entry.facts["title"],
                score=round(float(scores[position]), 4),
                reasons=reasons,
                slug=entry.facts["slug"],
                facts={"owner": entry.facts["owner"], "status": entry.facts["status"], "place": place},
            )
        )
    return results


# ----------------------------------------------------------------------------------------------------------------
# Reviewers for a panel


def reviewers_for(session: Session, challenge: Challenge, limit: int = 10) -> list[Suggestion]:
    """People with public profiles whose expertise and counted projects fit the challenge, not on its panel and
    without a conflict with its proposals, each with their current load of open review assignments."""
    from sqlalchemy import func

    from goi.reviews import conflicts
    from goi.reviews.models import Assignment, AssignmentStatus, PanelMember, PanelStatus

    limit = clamp_limit(limit)
    corpus = fresh(session, "people")
    if not len(corpus.ids):
        return []
    # Invited people are on the panel before they have answered (the row holds their address, their account later).
    panel = session.execute(
        select(PanelMember.user_id, PanelMember.email).where(PanelMember.challenge_id == challenge.id)
    )
    on_panel, emails = set(), set()
    for user_id, email in panel:
        if user_id is not None:
            on_panel.add(user_id)
        emails.add(email.strip().lower())
    if emails:
        on_panel |= set(session.scalars(select(User.id).where(func.lower(User.email).in_(sorted(emails)))))
    owners = {challenge.owner_org_id, *(co.organization_id for co in challenge.co_owners)}
    owner_people = set(session.scalars(select(Membership.user_id).where(Membership.organization_id.in_(owners))))
    allowed = ~np.isin(corpus.ids, list(on_panel | owner_people))
    profile = _challenge_profile(challenge)
    scores = corpus.scores(profile)
    sector_match = corpus.column(
        "sectors", lambda sectors: challenge.sector in sectors, name=f"sector:{challenge.sector}"
    ).astype(float)
    combined = 0.8 * scores + 0.2 * sector_match * (scores > 0)
    proposals = conflicts.reviewable_proposals(challenge)
    chosen: list[tuple[int, Entry]] = []
    for position in top(combined, allowed, limit * 3):
        entry = corpus.entries[int(corpus.ids[position])]
        person = session.get(User, entry.id)
        if person is None or conflicts.detect(challenge, person.email, person, proposals):
            continue
        chosen.append((position, entry))
        if len(chosen) == limit:
            break
    loads = dict(
        session.execute(
            select(PanelMember.user_id, func.count(Assignment.id))
            .join(Assignment, Assignment.member_id == PanelMember.id)
            .where(
                PanelMember.user_id.in_([entry.id for _, entry in chosen]),
                PanelMember.status == PanelStatus.ACCEPTED,
                Assignment.status == AssignmentStatus.ASSIGNED,
            )
            .group_by(PanelMember.user_id)
        ).all()
    )
    idf = corpus.idf_map()
    results = []
    for position, entry in chosen:
        reasons = []
        reason = _term_reason(profile, entry.profile, idf)
        if reason:
            reasons.append(reason)
        if challenge.sector in entry.facts["sectors"]:
            reasons.append(
                Reason("sector", _("Sector: %(sector)s", sector=_sector_label(challenge.sector)), [challenge.sector])
            )
        reasons += _solution_reasons(entry.facts["projects"], profile, idf)
        results.append(
            Suggestion(
                target=f"user:{entry.id}",
                kind="user",
                object_id=entry.id,
                ref=None,
                name=entry.facts["name"],
                score=round(float(combined[position]), 4),
                reasons=reasons,
                facts={"load": loads.get(entry.id, 0)},
            )
        )
    return results
