"""Past projects pages: an organization's at /orgs/<slug>/projects (its managers), the user's at /account/projects."""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from goi.accounts.models import User
from goi.core.errors import DomainError
from goi.core.forms import run_button_action, show_domain_error
from goi.core.policy import AUTHENTICATED, route
from goi.extensions import db
from goi.orgs import projects
from goi.orgs.forms import CountsForMatchingForm, PastProjectForm
from goi.orgs.models import Organization, PastProject
from goi.orgs.permissions import ORG_MANAGER, organization_or_404
from goi.orgs.views import bp

bp.add_app_template_global(projects.matching_profile_of, "matching_profile_of")


@dataclass(frozen=True)
class ProjectPages:
    """Whose projects a page edits and the addresses of its pages (an organization's or the user's own)."""

    owner: User | Organization
    prefix: str  # of the endpoints: <prefix>_list, _edit, _delete and _matching
    back_url: str
    back_label: str
    args: dict = field(default_factory=dict)

    def url(self, action: str = "list", project: PastProject | None = None) -> str:
        if project is None:
            return url_for(f"{self.prefix}_{action}", **self.args)
        return url_for(f"{self.prefix}_{action}", project_id=project.id, **self.args)

    def project_or_404(self, project_id: int) -> PastProject:
        project = projects.project_of(self.owner, project_id)
        if project is None:
            abort(404)
        return project


def _organization_pages(slug: str) -> ProjectPages:
    organization = organization_or_404(slug)
    return ProjectPages(
        organization,
        "orgs.projects",
        url_for("orgs.show", slug=slug),
        organization.name,
        {"slug": slug},
    )


def _own_pages() -> ProjectPages:
    return ProjectPages(
        current_user._get_current_object(), "orgs.my_projects", url_for("accounts.profile"), _("Your profile")
    )


def _saved(form: PastProjectForm, save: Callable[[dict], object], done: str) -> bool:
    """Validate a posted form and save its values in one commit; False (the errors on the form) when refused."""
    if not form.validate_on_submit():
        return False
    try:
        save(form.values())
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return False
    db.session.commit()
    flash(done, "success")
    return True


def _list(pages: ProjectPages):
    """The projects with the form to add one (a POST adds it)."""
    form = PastProjectForm()
    actor = current_user._get_current_object()
    if _saved(form, lambda values: projects.add_project(actor, pages.owner, values), _("The project is added.")):
        return redirect(pages.url())
    status = 422 if request.method == "POST" else 200
    page = render_template(
        "orgs/projects/index.html", pages=pages, projects=projects.projects_of(pages.owner), form=form
    )
    return page, status


def _edit(pages: ProjectPages, project_id: int):
    project = pages.project_or_404(project_id)
    form = PastProjectForm(obj=project) if request.method == "GET" else PastProjectForm()
    actor = current_user._get_current_object()
    if _saved(form, lambda values: projects.update_project(actor, project, values), _("Saved.")):
        return redirect(pages.url())
    status = 422 if request.method == "POST" else 200
    return render_template("orgs/projects/edit.html", pages=pages, project=project, form=form), status


def _delete(pages: ProjectPages, project_id: int):
    project = pages.project_or_404(project_id)
    return run_button_action(
        lambda: projects.delete_project(current_user._get_current_object(), project),
        redirect_to=pages.url(),
        done=_("The project is deleted."),
    )


def _set_matching(pages: ProjectPages, project_id: int):
    project = pages.project_or_404(project_id)
    form = CountsForMatchingForm()
    counts = form.counts.data == "1"
    return run_button_action(
        lambda: projects.set_counts_for_matching(current_user._get_current_object(), project, counts),
        redirect_to=pages.url(),
        done=_("The project counts for matching.") if counts else _("The project no longer counts for matching."),
        form=form,
    )


@route(bp, "/orgs/<slug>/projects", ORG_MANAGER, methods=["GET", "POST"])
def projects_list(slug: str):
    return _list(_organization_pages(slug))


@route(bp, "/orgs/<slug>/projects/<int:project_id>/edit", ORG_MANAGER, methods=["GET", "POST"])
def projects_edit(slug: str, project_id: int):
    return _edit(_organization_pages(slug), project_id)


@route(bp, "/orgs/<slug>/projects/<int:project_id>/delete", ORG_MANAGER, methods=["POST"])
def projects_delete(slug: str, project_id: int):
    return _delete(_organization_pages(slug), project_id)


@route(bp, "/orgs/<slug>/projects/<int:project_id>/matching", ORG_MANAGER, methods=["POST"])
def projects_matching(slug: str, project_id: int):
    return _set_matching(_organization_pages(slug), project_id)


@route(bp, "/account/projects", AUTHENTICATED, methods=["GET", "POST"])
def my_projects_list():
    return _list(_own_pages())


@route(bp, "/account/projects/<int:project_id>/edit", AUTHENTICATED, methods=["GET", "POST"])
def my_projects_edit(project_id: int):
    return _edit(_own_pages(), project_id)


@route(bp, "/account/projects/<int:project_id>/delete", AUTHENTICATED, methods=["POST"])
def my_projects_delete(project_id: int):
    return _delete(_own_pages(), project_id)


@route(bp, "/account/projects/<int:project_id>/matching", AUTHENTICATED, methods=["POST"])
def my_projects_matching(project_id: int):
    return _set_matching(_own_pages(), project_id)
