"""Past projects and solutions on a user's or an organization's profile, and the profile as its public pages show it.

An owner (a User or an Organization) keeps its projects; each one says whether the matching may read it as
evidence (`counts_for_matching`), and the public pages show only those that count.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from goi.accounts.forms import region_served_name, trl_label
from goi.accounts.models import User
from goi.core import audit, clock
from goi.core.errors import DomainError
from goi.data.taxonomy import sector
from goi.extensions import db
from goi.orgs.models import Organization, PastProject

TITLE_MAX = 200
CLIENT_MAX = 160
DESCRIPTION_MAX = 1000
LINK_MAX = 300
FIRST_YEAR = 1950


def latest_year() -> int:
    """The last year a project may be dated: next year (a project signed for it)."""
    return clock.now().year + 1


def _is_web_link(link: str) -> bool:
    parts = urlsplit(link)
    return parts.scheme in ("http", "https") and "." in parts.netloc and not any(c.isspace() for c in link)


def project_errors(values: dict) -> dict[str, str]:
    """What is wrong with a project's values, by field (empty when they may be saved)."""
    errors = {}
    title = values.get("title") or ""
    if not title.strip():
        errors["title"] = _("Give the project a title.")
    elif len(title.strip()) > TITLE_MAX:
        errors["title"] = _("At most %(count)d characters.", count=TITLE_MAX)
    year = values.get("year")
    if year is not None and not FIRST_YEAR <= year <= latest_year():
        errors["year"] = _("Give a year from %(first)d to %(last)d.", first=FIRST_YEAR, last=latest_year())
    if len((values.get("client") or "").strip()) > CLIENT_MAX:
        errors["client"] = _("At most %(count)d characters.", count=CLIENT_MAX)
    if len((values.get("description") or "").strip()) > DESCRIPTION_MAX:
        errors["description"] = _("At most %(count)d characters.", count=DESCRIPTION_MAX)
    link = (values.get("link") or "").strip()
    if len(link) > LINK_MAX:
        errors["link"] = _("At most %(count)d characters.", count=LINK_MAX)
    elif link and not _is_web_link(link):
        errors["link"] = _("Give a web address that starts with https:// or http://")
    return errors


def _check(values: dict) -> None:
    errors = project_errors(values)
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)


def _apply(project: PastProject, values: dict) -> None:
    project.title = values["title"].strip()
    project.year = values.get("year")
    project.client = (values.get("client") or "").strip()
    project.description = (values.get("description") or "").strip()
    project.link = (values.get("link") or "").strip()
    project.counts_for_matching = bool(values.get("counts_for_matching", True))


def _owner_column(owner: User | Organization):
    return PastProject.organization_id if isinstance(owner, Organization) else PastProject.user_id


def _record(action: str, actor: User, project: PastProject, **detail) -> None:
    owner = {"organization_id": project.organization_id} if project.organization_id else {"user_id": project.user_id}
    audit.record(
        f"profile.project_{action}",
        actor_id=actor.id,
        object_type="past_project",
        object_id=project.id,
        **owner,
        **detail,
    )


def projects_of(owner: User | Organization, *, counted_only: bool = False) -> list[PastProject]:
    """The owner's projects, the newest year first (undated ones last), then the latest added."""
    query = select(PastProject).where(_owner_column(owner) == owner.id)
    if counted_only:
        query = query.where(PastProject.counts_for_matching.is_(True))
    query = query.order_by(PastProject.year.is_(None), PastProject.year.desc(), PastProject.id.desc())
    return list(db.session.scalars(query))


def project_of(owner: User | Organization, project_id: int) -> PastProject | None:
    """The owner's project with this id, or None (also when it is another owner's)."""
    project = db.session.get(PastProject, project_id)
    if project is None or getattr(project, _owner_column(owner).key) != owner.id:
        return None
    return project


def add_project(actor: User, owner: User | Organization, values: dict) -> PastProject:
    """A new past project of owner (the actor is the user or a manager of the organization)."""
    _check(values)
    project = PastProject()
    if isinstance(owner, Organization):
        project.organization_id = owner.id
    else:
        project.user_id = owner.id
    _apply(project, values)
    db.session.add(project)
    db.session.flush()
    _record("added", actor, project, counts_for_matching=project.counts_for_matching)
    return project


def update_project(actor: User, project: PastProject, values: dict) -> None:
    _check(values)
    _apply(project, values)
    _record("updated", actor, project, counts_for_matching=project.counts_for_matching)


def delete_project(actor: User, project: PastProject) -> None:
    _record("deleted", actor, project, title=project.title)
    db.session.delete(project)


def set_counts_for_matching(actor: User, project: PastProject, counts: bool) -> None:
    """Whether the matching may read the project as evidence (and the public pages show it)."""
    if project.counts_for_matching == counts:
        return
    project.counts_for_matching = counts
    _record("counted" if counts else "uncounted", actor, project)


@dataclass(frozen=True)
class MatchingProfile:
    """What a profile offers and seeks, as the public pages show it: labels in the reader's language."""

    expertise: list[str]
    seeking: list[str]
    sectors: list[str]
    regions_served: list[str]
    trl: str
    languages: list[str]
    projects: list[PastProject]

    @property
    def is_empty(self) -> bool:
        # The working languages have a default, so they alone do not make a profile described.
        return not (self.expertise or self.seeking or self.sectors or self.regions_served or self.trl or self.projects)


def matching_profile_of(owner: User | Organization) -> MatchingProfile:
    """A user's or an organization's matching profile with the projects that count for matching."""
    locale = str(get_locale() or "id")
    sectors = [sector(code) for code in owner.sector_list]
    return MatchingProfile(
        expertise=owner.expertise_list,
        seeking=owner.seeking_list,
        sectors=[item.label(locale) for item in sectors if item is not None],
        regions_served=[region_served_name(code) for code in owner.regions_served_list],
        trl=trl_label(owner.trl),
        languages=owner.language_list,
        projects=projects_of(owner, counted_only=True),
    )
