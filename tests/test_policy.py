"""The policy table: every endpoint has a rule, and each role gets exactly the access written down here.

The expectations below are written out by hand, not read from POLICY, so a wrong rule in a view fails a test.
"""

import hashlib
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for
from sqlalchemy import select

from goi.alerts.criteria import Criteria
from goi.alerts.services import save_search
from goi.api import tokens as api_tokens
from goi.api import webhooks as api_webhooks
from goi.api.models import Scope, WebhookEvent, WebhookScope
from goi.challenges import lifecycle as challenge_lifecycle
from goi.challenges import services as challenge_services
from goi.challenges.models import Challenge, ChallengeOutcome, ChallengeStatus, SolverKind
from goi.core import clock
from goi.core.policy import POLICY, Rule
from goi.core.storage import upload_root
from goi.matching.models import ApplyInvitation, CoOwnInvitation, Introduction
from goi.orgs import offers
from goi.orgs.models import (
    Invitation,
    MemberRole,
    Membership,
    Offer,
    OfferKind,
    OrgKind,
    PastProject,
    VerificationRequest,
    VerificationStatus,
)
from goi.proposals import services as proposal_services
from goi.proposals.models import Proposal, TeamMember, TeamMemberStatus, TeamRole
from goi.proposals.submission import submit_proposal
from goi.reviews.models import (
    Assignment,
    Conflict,
    ConflictKind,
    ConflictSource,
    PanelMember,
    PanelRole,
    PanelStatus,
    ReviewRound,
    RoundProposal,
)
from tests import factories
from tests.conftest import ROLES, session_csrf_token
from tests.orgs import fresh_client
from tests.proposals.conftest import fill

ALLOW, DENY, LOGIN, HIDDEN = "allow", "deny", "login", "hidden"
# An endpoint only an API token reaches: 401 to every session, whoever is logged in.
TOKEN = "token"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- the expectation table -------------------------------------------------------------------------------------------


def expect(
    *,
    anonymous: str,
    user: str,
    org_member: str,
    org_admin: str,
    gov_admin_unverified: str,
    gov_admin: str,
    platform_admin: str,
    reviewer: str | None = None,
    conflicted_reviewer: str | None = None,
    chair: str | None = None,
) -> dict[str, str]:
    """One row of the table: the outcome for every role, each given explicitly.

    The panel's roles (accepted reviewers of the sample challenge, one with a conflict, and its chair) are plain users
    outside the review: a row that does not name them gives them the outcome of "user".
    """
    return {
        "anonymous": anonymous,
        "user": user,
        "org_member": org_member,
        "org_admin": org_admin,
        "gov_admin_unverified": gov_admin_unverified,
        "gov_admin": gov_admin,
        "platform_admin": platform_admin,
        "reviewer": user if reviewer is None else reviewer,
        "conflicted_reviewer": user if conflicted_reviewer is None else conflicted_reviewer,
        "chair": user if chair is None else chair,
    }


EVERYONE = expect(
    anonymous=ALLOW,
    user=ALLOW,
    org_member=ALLOW,
    org_admin=ALLOW,
    gov_admin_unverified=ALLOW,
    gov_admin=ALLOW,
    platform_admin=ALLOW,
)
SIGNED_IN = expect(
    anonymous=LOGIN,
    user=ALLOW,
    org_member=ALLOW,
    org_admin=ALLOW,
    gov_admin_unverified=ALLOW,
    gov_admin=ALLOW,
    platform_admin=ALLOW,
)
PLATFORM_ADMINS = expect(
    anonymous=LOGIN,
    user=DENY,
    org_member=DENY,
    org_admin=DENY,
    gov_admin_unverified=DENY,
    gov_admin=DENY,
    platform_admin=ALLOW,
)
# pt-industri: org_admin is an admin, org_member a plain member; the platform admin is not a member.
INDUSTRY_MANAGERS = expect(
    anonymous=LOGIN,
    user=DENY,
    org_member=DENY,
    org_admin=ALLOW,
    gov_admin_unverified=DENY,
    gov_admin=DENY,
    platform_admin=DENY,
)
INDUSTRY_MEMBERS = expect(
    anonymous=LOGIN,
    user=DENY,
    org_member=ALLOW,
    org_admin=ALLOW,
    gov_admin_unverified=DENY,
    gov_admin=DENY,
    platform_admin=DENY,
)
# pemkot-makassar (unverified government): gov_admin_unverified is its owner.
MAKASSAR_MANAGERS = expect(
    anonymous=LOGIN,
    user=DENY,
    org_member=DENY,
    org_admin=DENY,
    gov_admin_unverified=ALLOW,
    gov_admin=DENY,
    platform_admin=DENY,
)
# pemkot-palembang (verified government): gov_admin is its owner.
PALEMBANG_MANAGERS = expect(
    anonymous=LOGIN,
    user=DENY,
    org_member=DENY,
    org_admin=DENY,
    gov_admin_unverified=DENY,
    gov_admin=ALLOW,
    platform_admin=DENY,
)
# A draft challenge of pemkot-palembang: whoever may not manage it is told 404, as for a missing one.
PALEMBANG_DRAFT = expect(
    anonymous=LOGIN,
    user=HIDDEN,
    org_member=HIDDEN,
    org_admin=HIDDEN,
    gov_admin_unverified=HIDDEN,
    gov_admin=ALLOW,
    platform_admin=HIDDEN,
)
# The review of the published challenge: run by its owner (gov_admin) and the panel's chair; the reviewers (one with a
# conflict with the sample proposal) are on its panel.
REVIEW_MANAGERS = expect(
    anonymous=LOGIN,
    user=DENY,
    org_member=DENY,
    org_admin=DENY,
    gov_admin_unverified=DENY,
    gov_admin=ALLOW,
    platform_admin=DENY,
    reviewer=DENY,
    conflicted_reviewer=DENY,
    chair=ALLOW,
)
PANEL = expect(
    anonymous=LOGIN,
    user=DENY,
    org_member=DENY,
    org_admin=DENY,
    gov_admin_unverified=DENY,
    gov_admin=ALLOW,
    platform_admin=DENY,
    reviewer=ALLOW,
    conflicted_reviewer=ALLOW,
    chair=ALLOW,
)
# One reviewer's own assignment: everybody else is told 404, as for a missing one.
ASSIGNEE = expect(
    anonymous=LOGIN,
    user=HIDDEN,
    org_member=HIDDEN,
    org_admin=HIDDEN,
    gov_admin_unverified=HIDDEN,
    gov_admin=HIDDEN,
    platform_admin=HIDDEN,
    reviewer=ALLOW,
    conflicted_reviewer=HIDDEN,
    chair=HIDDEN,
)
# An assignment of a reviewer with a conflict with its proposal: nobody reaches it.
NOBODYS = expect(
    anonymous=LOGIN,
    user=HIDDEN,
    org_member=HIDDEN,
    org_admin=HIDDEN,
    gov_admin_unverified=HIDDEN,
    gov_admin=HIDDEN,
    platform_admin=HIDDEN,
)
# The panel's page of a proposal under review: the owner, the chair and the assigned reviewer; the conflicted reviewer
# is told 404; who is not on the panel is refused by the rule.
REVIEWED_PROPOSAL = expect(
    anonymous=LOGIN,
    user=DENY,
    org_member=DENY,
    org_admin=DENY,
    gov_admin_unverified=DENY,
    gov_admin=ALLOW,
    platform_admin=DENY,
    reviewer=ALLOW,
    conflicted_reviewer=HIDDEN,
    chair=ALLOW,
)
# Its discussion: a reviewer joins it once their own review is submitted (the sample reviewer's is not).
DISCUSSION = {**REVIEWED_PROPOSAL, "reviewer": HIDDEN}
# A verified organization cannot ask again: even its owner is refused the POST.
NOBODY_SIGNED_IN = expect(
    anonymous=LOGIN,
    user=DENY,
    org_member=DENY,
    org_admin=DENY,
    gov_admin_unverified=DENY,
    gov_admin=DENY,
    platform_admin=DENY,
)
# The verification letter of pemkot-makassar: its admins and the platform admins.
MAKASSAR_LETTER_READERS = expect(
    anonymous=LOGIN,
    user=DENY,
    org_member=DENY,
    org_admin=DENY,
    gov_admin_unverified=ALLOW,
    gov_admin=DENY,
    platform_admin=ALLOW,
)
# pemkab-gowa has no admin among the roles: only the platform admins read its letter.
GOWA_LETTER_READERS = expect(
    anonymous=LOGIN,
    user=DENY,
    org_member=DENY,
    org_admin=DENY,
    gov_admin_unverified=DENY,
    gov_admin=DENY,
    platform_admin=ALLOW,
)
# The published, sealed challenge of pemkot-palembang: gov_admin manages it, everybody else may ask questions.
QUESTION_ASKERS = expect(
    anonymous=LOGIN,
    user=ALLOW,
    org_member=ALLOW,
    org_admin=ALLOW,
    gov_admin_unverified=ALLOW,
    gov_admin=DENY,
    platform_admin=ALLOW,
)
# The draft proposal led by org_member with org_admin as accepted partner. Outsiders are told 404 (HIDDEN) so that
# ids reveal nothing; the challenge's manager does not see it either while the challenge is sealed.
PROPOSAL_TEAM_ROW = expect(
    anonymous=LOGIN,
    user=HIDDEN,
    org_member=ALLOW,
    org_admin=ALLOW,
    gov_admin_unverified=HIDDEN,
    gov_admin=HIDDEN,
    platform_admin=HIDDEN,
)
PROPOSAL_LEAD_ROW = expect(
    anonymous=LOGIN,
    user=HIDDEN,
    org_member=ALLOW,
    org_admin=DENY,
    gov_admin_unverified=HIDDEN,
    gov_admin=HIDDEN,
    platform_admin=HIDDEN,
)

# Another user's saved search is told 404 to everybody, as a missing one (its owner is tested in test_alerts).
SOMEONE_ELSES = expect(
    anonymous=LOGIN,
    user=HIDDEN,
    org_member=HIDDEN,
    org_admin=HIDDEN,
    gov_admin_unverified=HIDDEN,
    gov_admin=HIDDEN,
    platform_admin=HIDDEN,
)


# A request for an introduction from user to org_member: the two sides see it, everybody else is told 404.
INTRODUCTION_SIDES = expect(
    anonymous=LOGIN,
    user=ALLOW,
    org_member=ALLOW,
    org_admin=HIDDEN,
    gov_admin_unverified=HIDDEN,
    gov_admin=HIDDEN,
    platform_admin=HIDDEN,
    reviewer=HIDDEN,
    conflicted_reviewer=HIDDEN,
    chair=HIDDEN,
)
# An invitation to pt-industri to apply to the sample challenge: answered by its managers (org_admin) only.
INDUSTRY_MANAGERS_ONLY = expect(
    anonymous=LOGIN,
    user=HIDDEN,
    org_member=HIDDEN,
    org_admin=ALLOW,
    gov_admin_unverified=HIDDEN,
    gov_admin=HIDDEN,
    platform_admin=HIDDEN,
)
# An invitation to pemkot-palembang to co-own another government's challenge: answered by its managers only.
PALEMBANG_MANAGERS_ONLY = expect(
    anonymous=LOGIN,
    user=HIDDEN,
    org_member=HIDDEN,
    org_admin=HIDDEN,
    gov_admin_unverified=HIDDEN,
    gov_admin=ALLOW,
    platform_admin=HIDDEN,
)
# A hidden offer of pt-industri: its members see it, its managers edit it, everybody else is told 404.
HIDDEN_OFFER_READERS = expect(
    anonymous=HIDDEN,
    user=HIDDEN,
    org_member=ALLOW,
    org_admin=ALLOW,
    gov_admin_unverified=HIDDEN,
    gov_admin=HIDDEN,
    platform_admin=HIDDEN,
)
HIDDEN_OFFER_MANAGERS = expect(
    anonymous=LOGIN,
    user=HIDDEN,
    org_member=DENY,
    org_admin=ALLOW,
    gov_admin_unverified=HIDDEN,
    gov_admin=HIDDEN,
    platform_admin=HIDDEN,
)
# A project of pemkot-palembang asked for under pt-industri's address: its managers are told 404, as for a missing one.
OTHER_ORGANIZATIONS_PROJECT = {**INDUSTRY_MANAGERS, "org_admin": HIDDEN}
# What does not exist, asked of a public address: 404 for everybody.
NEEDS_TOKEN = expect(
    anonymous=TOKEN,
    user=TOKEN,
    org_member=TOKEN,
    org_admin=TOKEN,
    gov_admin_unverified=TOKEN,
    gov_admin=TOKEN,
    platform_admin=TOKEN,
)
MISSING = expect(
    anonymous=HIDDEN,
    user=HIDDEN,
    org_member=HIDDEN,
    org_admin=HIDDEN,
    gov_admin_unverified=HIDDEN,
    gov_admin=HIDDEN,
    platform_admin=HIDDEN,
)


@dataclass(frozen=True)
class Case:
    """One request of the matrix: endpoint, method, URL arguments and form data built from the samples."""

    endpoint: str
    method: str
    expected: dict[str, str]
    args: Callable[[dict], dict] = lambda s: {}
    data: Callable[[dict], dict] = lambda s: {}
    label: str = ""
    query: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}{'@' + self.label if self.label else ''}"


def _industry(s):
    return {"slug": "pt-industri"}


def _reviewed_proposal(s):
    return {"slug": s["review_slug"], "proposal_id": s["review_proposal_id"]}


def _industry_project(s):
    return {"slug": "pt-industri", "project_id": s["industry_project_id"]}


def _someone_elses_project(s):
    return {"project_id": s["someone_elses_project_id"]}


def _offer_form(s):
    return {
        "kind": "technology_offer",
        "title": "Sensor muka air",
        "description": "Sensor muka air sungai dengan laporan tiap menit.",
        "expires_on": (offers.today() + timedelta(days=60)).isoformat(),
        "is_public": "y",
    }


def _review_round(s):
    return {"slug": s["review_slug"], "number": 1}


def _introduction(s):
    return {"introduction_id": s["introduction_id"]}


CASES = [
    Case("static", "GET", EVERYONE, lambda s: {"filename": "css/app.css"}),
    # site
    Case("site.home", "GET", EVERYONE),
    Case("search.index", "GET", EVERYONE),
    Case("search.index", "GET", EVERYONE, label="filtered", query={"q": "banjir", "type": "challenge", "page": "1"}),
    Case("api.search", "GET", EVERYONE, query={"q": "banjir"}),
    Case("api.recommended_challenges", "GET", EVERYONE, lambda s: {"ref": s["industry_ref"]}),
    Case("api.recommended_challenges", "GET", MISSING, lambda s: {"ref": "no-such-ref"}, label="unknown"),
    Case("api.recommended_solvers", "GET", EVERYONE, lambda s: {"ref": s["challenge_ref"]}),
    Case("api.recommended_solvers", "GET", MISSING, lambda s: {"ref": "no-such-ref"}, label="unknown"),
    Case("api.recommended_partners", "GET", EVERYONE, lambda s: {"ref": s["industry_ref"]}),
    Case("api.recommended_partners", "GET", MISSING, lambda s: {"ref": "no-such-ref"}, label="unknown"),
    Case("api.challenges", "GET", EVERYONE),
    Case("api.challenges", "GET", EVERYONE, label="filtered", query={"status": "open", "sector": "water"}),
    Case("api.challenge", "GET", EVERYONE, lambda s: {"slug": s["challenge_slug"]}),
    Case("api.challenge", "GET", MISSING, lambda s: {"slug": "no-such-slug"}, label="unknown"),
    Case("api.openapi_document", "GET", EVERYONE),
    Case("api.reference", "GET", EVERYONE),
    Case("api.organizations", "GET", EVERYONE),
    Case("api.organizations", "GET", EVERYONE, label="filtered", query={"kind": "government", "verified": "true"}),
    Case("api.organization", "GET", EVERYONE, _industry),
    Case("api.organization", "GET", MISSING, lambda s: {"slug": "no-such-slug"}, label="unknown"),
    Case("api.metros", "GET", EVERYONE),
    Case("api.metro", "GET", EVERYONE, lambda s: {"code": "patungraya-agung"}),
    Case("api.metro", "GET", MISSING, lambda s: {"code": "no-such-area"}, label="unknown"),
    Case("api.results", "GET", EVERYONE),
    Case("api.results", "GET", EVERYONE, label="filtered", query={"q": "banjir"}),
    Case("api.offers", "GET", EVERYONE),
    Case("api.offers", "GET", EVERYONE, label="filtered", query={"q": "sensor", "kind": "technology_offer"}),
    Case("api.offer", "GET", EVERYONE, lambda s: {"offer_id": s["offer_id"]}),
    # The API shows live offers only: a hidden one is a 404 for everyone, its members too (the site shows it them).
    Case("api.offer", "GET", MISSING, lambda s: {"offer_id": s["hidden_offer_id"]}, label="hidden"),
    Case("api.offer", "GET", MISSING, lambda s: {"offer_id": 999_999}, label="unknown"),
    Case("api.statistics", "GET", EVERYONE),
    Case("api.token", "GET", NEEDS_TOKEN),
    Case("api.organization_proposals", "GET", NEEDS_TOKEN),
    Case("api.create_challenge", "POST", NEEDS_TOKEN),
    Case("api.update_challenge", "PATCH", NEEDS_TOKEN, lambda s: {"slug": s["challenge_slug"]}),
    Case("api.publish_challenge", "POST", NEEDS_TOKEN, lambda s: {"slug": s["challenge_slug"]}),
    Case("api.publish_challenge", "POST", NEEDS_TOKEN, lambda s: {"slug": "no-such-slug"}, label="unknown"),
    Case("api.publish_addendum", "POST", NEEDS_TOKEN, lambda s: {"slug": s["challenge_slug"]}),
    Case("api.start_proposal", "POST", NEEDS_TOKEN, lambda s: {"slug": s["challenge_slug"]}),
    Case("api.start_proposal", "POST", NEEDS_TOKEN, lambda s: {"slug": "no-such-slug"}, label="unknown"),
    Case("api.proposal", "GET", NEEDS_TOKEN, lambda s: {"proposal_id": s["proposal_id"]}),
    Case("api.proposal", "GET", NEEDS_TOKEN, lambda s: {"proposal_id": 999_999}, label="unknown"),
    Case("api.update_proposal", "PATCH", NEEDS_TOKEN, lambda s: {"proposal_id": s["proposal_id"]}),
    Case("api.submit_proposal", "POST", NEEDS_TOKEN, lambda s: {"proposal_id": s["proposal_id"]}),
    Case("api.withdraw_proposal", "POST", NEEDS_TOKEN, lambda s: {"proposal_id": s["proposal_id"]}),
    Case("site.set_language", "POST", EVERYONE, data=lambda s: {"language": "en", "next": "/orgs"}),
    Case("site.person", "GET", EVERYONE, lambda s: {"user_id": s["public_user_id"]}),
    # accounts
    Case("accounts.register", "GET", EVERYONE),
    Case(
        "accounts.register",
        "POST",
        EVERYONE,
        data=lambda s: {
            "name": "Orang Baru",
            "email": "baru@example.id",
            "password": "a long new passphrase",
            "confirm": "a long new passphrase",
        },
    ),
    Case("accounts.confirm", "GET", EVERYONE, lambda s: {"token": "junk-token"}),
    Case("accounts.confirm", "POST", EVERYONE, lambda s: {"token": "junk-token"}),
    Case("accounts.resend_confirmation", "GET", EVERYONE),
    Case("accounts.resend_confirmation", "POST", EVERYONE, data=lambda s: {"email": "nobody@example.id"}),
    Case("accounts.login", "GET", EVERYONE),
    Case(
        "accounts.login", "POST", EVERYONE, data=lambda s: {"email": "nobody@example.id", "password": "wrong password"}
    ),
    Case("accounts.logout", "POST", SIGNED_IN),
    Case("accounts.forgot_password", "GET", EVERYONE),
    Case("accounts.forgot_password", "POST", EVERYONE, data=lambda s: {"email": "nobody@example.id"}),
    Case("accounts.reset_password", "GET", EVERYONE, lambda s: {"token": "junk-token"}),
    Case(
        "accounts.reset_password",
        "POST",
        EVERYONE,
        lambda s: {"token": "junk-token"},
        lambda s: {"password": "a long new passphrase", "confirm": "a long new passphrase"},
    ),
    Case("accounts.change_password", "GET", SIGNED_IN),
    Case(
        "accounts.change_password",
        "POST",
        SIGNED_IN,
        data=lambda s: {"current_password": "wrong", "password": "x" * 12, "confirm": "x" * 12},
    ),
    Case("accounts.profile", "GET", SIGNED_IN),
    Case("accounts.profile", "POST", SIGNED_IN, data=lambda s: {"name": "Nama Baru", "languages": "id"}),
    # organizations
    Case("orgs.index", "GET", EVERYONE),
    Case("orgs.create", "GET", SIGNED_IN),
    Case("orgs.create", "POST", SIGNED_IN, data=lambda s: {"name": "Komunitas Baru", "kind": "community"}),
    Case("orgs.show", "GET", EVERYONE, _industry),
    Case("orgs.show", "GET", EVERYONE, lambda s: {"slug": "pemkot-makassar"}, label="makassar"),
    Case("orgs.edit", "GET", INDUSTRY_MANAGERS, _industry),
    Case("orgs.edit", "GET", MAKASSAR_MANAGERS, lambda s: {"slug": "pemkot-makassar"}, label="makassar"),
    Case("orgs.edit", "GET", PALEMBANG_MANAGERS, lambda s: {"slug": "pemkot-palembang"}, label="palembang"),
    Case("orgs.edit", "POST", INDUSTRY_MANAGERS, _industry, lambda s: {"name": "PT Diubah", "kind": "industry"}),
    Case("orgs.members", "GET", INDUSTRY_MANAGERS, _industry),
    Case("orgs.members", "GET", MAKASSAR_MANAGERS, lambda s: {"slug": "pemkot-makassar"}, label="makassar"),
    Case(
        "orgs.members",
        "POST",
        INDUSTRY_MANAGERS,
        _industry,
        lambda s: {"email": "invitee2@example.id", "role": "member"},
    ),
    Case(
        "orgs.change_role",
        "POST",
        INDUSTRY_MANAGERS,
        lambda s: {"slug": "pt-industri", "membership_id": s["member_membership_id"]},
        lambda s: {"role": "admin"},
    ),
    Case(
        "orgs.remove_member",
        "POST",
        INDUSTRY_MANAGERS,
        lambda s: {"slug": "pt-industri", "membership_id": s["member_membership_id"]},
    ),
    Case(
        "orgs.revoke_invitation",
        "POST",
        INDUSTRY_MANAGERS,
        lambda s: {"slug": "pt-industri", "invitation_id": s["invitation_id"]},
    ),
    Case("orgs.api_tokens", "GET", INDUSTRY_MANAGERS, _industry),
    Case(
        "orgs.api_tokens",
        "POST",
        INDUSTRY_MANAGERS,
        _industry,
        lambda s: {"name": "Sistem ERP", "scopes": ["read"], "days": "90"},
    ),
    Case(
        "orgs.revoke_api_token",
        "POST",
        INDUSTRY_MANAGERS,
        lambda s: {"slug": "pt-industri", "token_id": s["industry_token_id"]},
    ),
    Case("orgs.webhooks_list", "GET", INDUSTRY_MANAGERS, _industry),
    Case(
        "orgs.webhooks_list",
        "POST",
        INDUSTRY_MANAGERS,
        _industry,
        lambda s: {"url": "https://93.184.215.14/goi", "events": ["challenge.published"], "scope": "own"},
    ),
    Case(
        "orgs.webhook_deliveries",
        "GET",
        INDUSTRY_MANAGERS,
        lambda s: {"slug": "pt-industri", "webhook_id": s["industry_webhook_id"]},
    ),
    Case(
        "orgs.disable_webhook",
        "POST",
        INDUSTRY_MANAGERS,
        lambda s: {"slug": "pt-industri", "webhook_id": s["industry_webhook_id"]},
    ),
    Case("orgs.leave", "POST", INDUSTRY_MEMBERS, _industry),
    Case("orgs.visibility", "POST", INDUSTRY_MEMBERS, _industry, lambda s: {}),
    Case("orgs.mine", "GET", SIGNED_IN),
    Case("orgs.invitation", "GET", SIGNED_IN, lambda s: {"token": s["invitation_token"]}),
    Case("orgs.invitation", "GET", SIGNED_IN, lambda s: {"token": "junk-token"}, label="junk"),
    Case("orgs.invitation", "POST", SIGNED_IN, lambda s: {"token": s["invitation_token"]}),
    Case("orgs.verification", "GET", MAKASSAR_MANAGERS, lambda s: {"slug": "pemkot-makassar"}),
    Case("orgs.verification", "GET", PALEMBANG_MANAGERS, lambda s: {"slug": "pemkot-palembang"}, label="palembang"),
    Case("orgs.verification", "GET", INDUSTRY_MANAGERS, _industry, label="industry"),
    Case(
        "orgs.verification",
        "POST",
        MAKASSAR_MANAGERS,
        lambda s: {"slug": "pemkot-makassar"},
        lambda s: {"official_email_domain": "makassarkota.go.id", "letter": (io.BytesIO(PDF), "surat.pdf")},
    ),
    Case(
        "orgs.verification",
        "POST",
        NOBODY_SIGNED_IN,
        lambda s: {"slug": "pemkot-palembang"},
        lambda s: {"official_email_domain": "palembang.go.id", "letter": (io.BytesIO(PDF), "surat.pdf")},
        label="palembang",
    ),
    Case(
        "orgs.verification_letter",
        "GET",
        MAKASSAR_LETTER_READERS,
        lambda s: {"slug": "pemkot-makassar", "request_id": s["makassar_request_id"]},
    ),
    Case(
        "orgs.verification_letter",
        "GET",
        GOWA_LETTER_READERS,
        lambda s: {"slug": "pemkab-gowa", "request_id": s["gowa_request_id"]},
        label="gowa",
    ),
    # past projects (samples: one of pt-industri, one of pemkot-palembang, one of a user outside the roles)
    Case("orgs.projects_list", "GET", INDUSTRY_MANAGERS, _industry),
    Case(
        "orgs.projects_list", "POST", INDUSTRY_MANAGERS, _industry, lambda s: {"title": "Proyek baru", "year": "2024"}
    ),
    Case("orgs.projects_edit", "GET", INDUSTRY_MANAGERS, _industry_project),
    Case(
        "orgs.projects_edit",
        "GET",
        OTHER_ORGANIZATIONS_PROJECT,
        lambda s: {"slug": "pt-industri", "project_id": s["palembang_project_id"]},
        label="other organization",
    ),
    Case("orgs.projects_edit", "POST", INDUSTRY_MANAGERS, _industry_project, lambda s: {"title": "Proyek diubah"}),
    Case("orgs.projects_delete", "POST", INDUSTRY_MANAGERS, _industry_project),
    Case("orgs.projects_matching", "POST", INDUSTRY_MANAGERS, _industry_project, lambda s: {"counts": "0"}),
    Case("orgs.my_projects_list", "GET", SIGNED_IN),
    Case("orgs.my_projects_list", "POST", SIGNED_IN, data=lambda s: {"title": "Proyek saya", "year": "2023"}),
    Case("orgs.my_projects_edit", "GET", SOMEONE_ELSES, _someone_elses_project),
    Case("orgs.my_projects_edit", "POST", SOMEONE_ELSES, _someone_elses_project, lambda s: {"title": "Diambil"}),
    Case("orgs.my_projects_delete", "POST", SOMEONE_ELSES, _someone_elses_project),
    Case("orgs.my_projects_matching", "POST", SOMEONE_ELSES, _someone_elses_project, lambda s: {"counts": "0"}),
    # offers and requests (samples: a live public offer of pt-industri and a hidden one)
    Case("orgs.marketplace", "GET", EVERYONE),
    Case("orgs.marketplace", "GET", EVERYONE, label="filtered", query={"q": "sensor", "kind": "technology_offer"}),
    Case("orgs.offer", "GET", EVERYONE, lambda s: {"offer_id": s["offer_id"]}),
    Case("orgs.offer", "GET", HIDDEN_OFFER_READERS, lambda s: {"offer_id": s["hidden_offer_id"]}, label="hidden"),
    Case("orgs.new_offer", "GET", INDUSTRY_MANAGERS, _industry),
    Case("orgs.new_offer", "POST", INDUSTRY_MANAGERS, _industry, _offer_form),
    Case("orgs.edit_offer", "GET", INDUSTRY_MANAGERS, lambda s: {"offer_id": s["offer_id"]}),
    Case("orgs.edit_offer", "GET", HIDDEN_OFFER_MANAGERS, lambda s: {"offer_id": s["hidden_offer_id"]}, label="hidden"),
    Case("orgs.edit_offer", "POST", INDUSTRY_MANAGERS, lambda s: {"offer_id": s["offer_id"]}, _offer_form),
    Case("orgs.withdraw_offer", "POST", INDUSTRY_MANAGERS, lambda s: {"offer_id": s["offer_id"]}),
    Case(
        "orgs.withdraw_offer",
        "POST",
        HIDDEN_OFFER_MANAGERS,
        lambda s: {"offer_id": s["hidden_offer_id"]},
        label="hidden",
    ),
    # metropolitan areas
    Case("metros.index", "GET", EVERYONE),
    Case("metros.show", "GET", EVERYONE, lambda s: {"code": "patungraya-agung"}),
    # open data
    Case("opendata.index", "GET", EVERYONE),
    Case("opendata.old_address", "GET", EVERYONE),
    Case("opendata.download", "GET", EVERYONE, lambda s: {"dataset": "challenges", "fmt": "csv"}),
    Case("opendata.download", "GET", EVERYONE, lambda s: {"dataset": "solutions", "fmt": "json"}, label="json"),
    Case("opendata.catalog", "GET", EVERYONE),
    # statistics
    Case("statistics.index", "GET", EVERYONE),
    Case("statistics.figure_csv", "GET", EVERYONE, lambda s: {"figure": "provinces"}),
    # challenges (sample: the published challenge of pemkot-palembang)
    Case("challenges.index", "GET", EVERYONE),
    Case("challenges.mine", "GET", SIGNED_IN),
    Case("challenges.mine_csv", "GET", SIGNED_IN),
    Case("challenges.show", "GET", EVERYONE, lambda s: {"slug": s["challenge_slug"]}),
    Case("challenges.create", "GET", PALEMBANG_MANAGERS, lambda s: {"slug": "pemkot-palembang"}),
    Case("challenges.create", "GET", NOBODY_SIGNED_IN, lambda s: {"slug": "pemkot-makassar"}, label="unverified"),
    Case("challenges.create", "GET", NOBODY_SIGNED_IN, _industry, label="industry"),
    Case("challenges.create", "POST", PALEMBANG_MANAGERS, lambda s: {"slug": "pemkot-palembang"}),
    Case("challenges.edit", "GET", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case("challenges.edit", "POST", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case("challenges.publish", "POST", PALEMBANG_DRAFT, lambda s: {"slug": s["draft_slug"]}),
    Case("challenges.start_review", "POST", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case("challenges.archive", "POST", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case("challenges.decide", "POST", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case("challenges.cancel", "GET", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case(
        "challenges.cancel",
        "POST",
        PALEMBANG_MANAGERS,
        lambda s: {"slug": s["challenge_slug"]},
        lambda s: {"reason": "Anggaran dialihkan untuk keperluan lain."},
    ),
    Case("challenges.new_addendum", "GET", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case("challenges.new_addendum", "POST", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case(
        "challenges.ask_question",
        "POST",
        QUESTION_ASKERS,
        lambda s: {"slug": s["challenge_slug"]},
        lambda s: {"body": "Apakah data curah hujan tersedia?"},
    ),
    Case("challenges.questions", "GET", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case(
        "challenges.answer_question",
        "POST",
        PALEMBANG_MANAGERS,
        lambda s: {"slug": s["challenge_slug"], "question_id": 999999},
        lambda s: {"answer": "Ya."},
    ),
    Case("challenges.follow", "POST", SIGNED_IN, lambda s: {"slug": s["challenge_slug"]}),
    Case("challenges.unfollow", "POST", SIGNED_IN, lambda s: {"slug": s["challenge_slug"]}),
    Case("challenges.followed", "GET", SIGNED_IN),
    Case("challenges.upload_document", "POST", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case("challenges.document", "GET", EVERYONE, lambda s: {"slug": s["challenge_slug"], "document_id": 999999}),
    Case(
        "challenges.delete_document",
        "POST",
        PALEMBANG_MANAGERS,
        lambda s: {"slug": s["challenge_slug"], "document_id": 999999},
    ),
    Case("challenges.upload_cover", "POST", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case("challenges.cover", "GET", EVERYONE, lambda s: {"slug": s["challenge_slug"]}),
    Case("challenges.delete_cover", "POST", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    # results (samples: the published challenge, not decided, and a decided one, not awarded)
    Case("reviews.new_results", "GET", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case("reviews.new_results", "GET", PALEMBANG_MANAGERS, lambda s: {"slug": s["decided_slug"]}, label="decided"),
    Case("reviews.new_results", "POST", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case(
        "reviews.new_results",
        "POST",
        PALEMBANG_MANAGERS,
        lambda s: {"slug": s["decided_slug"]},
        lambda s: {"summary": ""},
        label="decided",
    ),
    # the panel and its conflicts of interest (samples: an unanswered invitation, a conflict set for
    # conflicted_reviewer; the challenge is sealed, so the conflicts' forms answer 404 to everyone until its deadline)
    Case("reviews.panel", "GET", REVIEW_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case(
        "reviews.panel",
        "POST",
        REVIEW_MANAGERS,
        lambda s: {"slug": s["challenge_slug"]},
        lambda s: {"email": "juri-baru@example.id", "role": "reviewer", "max_load": "4"},
    ),
    Case(
        "reviews.panel_member_update",
        "POST",
        REVIEW_MANAGERS,
        lambda s: {"slug": s["challenge_slug"], "member_id": s["invited_member_id"]},
        lambda s: {
            f"member-{s['invited_member_id']}-role": "reviewer",
            f"member-{s['invited_member_id']}-max_load": "3",
        },
    ),
    Case(
        "reviews.panel_member_remove",
        "POST",
        REVIEW_MANAGERS,
        lambda s: {"slug": s["challenge_slug"], "member_id": s["invited_member_id"]},
    ),
    Case(
        "reviews.panel_remind",
        "POST",
        REVIEW_MANAGERS,
        lambda s: {"slug": s["challenge_slug"], "member_id": s["invited_member_id"]},
    ),
    # Answered only by the invited address: everybody else is shown the invitation and refused its answer (422).
    Case("reviews.panel_invitation", "GET", SIGNED_IN, lambda s: {"token": s["panel_invitation_token"]}),
    Case(
        "reviews.panel_invitation",
        "POST",
        SIGNED_IN,
        lambda s: {"token": s["panel_invitation_token"]},
        lambda s: {"decision": "accept"},
    ),
    Case(
        "reviews.conflict_check",
        "GET",
        REVIEW_MANAGERS,
        lambda s: {"slug": s["challenge_slug"]},
        query={"email": "member@industri.id"},
    ),
    Case("reviews.conflicts", "GET", REVIEW_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case(
        "reviews.conflicts",
        "POST",
        REVIEW_MANAGERS,
        lambda s: {"slug": s["challenge_slug"]},
        lambda s: {"kind": "financial", "note": "Saham"},
    ),
    Case("reviews.conflict_declare", "GET", PANEL, lambda s: {"slug": s["challenge_slug"]}),
    Case(
        "reviews.conflict_declare",
        "POST",
        PANEL,
        lambda s: {"slug": s["challenge_slug"]},
        lambda s: {"proposal_id": s["proposal_id"], "kind": "personal", "note": "Saudara"},
    ),
    # The conflict is conflicted_reviewer's, set by the owner: the other panel members are told 404 (the view's rule).
    Case(
        "reviews.conflict_clear",
        "POST",
        PANEL,
        lambda s: {"slug": s["challenge_slug"], "conflict_id": s["panel_conflict_id"]},
        lambda s: {f"clear-{s['panel_conflict_id']}-reason": "Sudah tidak bekerja di sana."},
    ),
    # the review's rounds and assignments (owners and chairs; the sample challenge is still open: no round yet)
    Case("reviews.overview", "GET", REVIEW_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case("reviews.rounds", "GET", REVIEW_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case("reviews.rounds", "POST", REVIEW_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case("reviews.round_advance", "POST", REVIEW_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case("reviews.round_update", "POST", REVIEW_MANAGERS, lambda s: {"slug": s["challenge_slug"], "number": 1}),
    Case("reviews.round_lock", "POST", REVIEW_MANAGERS, lambda s: {"slug": s["challenge_slug"], "number": 1}),
    Case("reviews.round_take_new", "POST", REVIEW_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case("reviews.assignments", "GET", REVIEW_MANAGERS, lambda s: {"slug": s["challenge_slug"], "number": 1}),
    Case("reviews.assign", "POST", REVIEW_MANAGERS, lambda s: {"slug": s["challenge_slug"], "number": 1}),
    Case("reviews.unassign", "POST", REVIEW_MANAGERS, lambda s: {"slug": s["challenge_slug"], "number": 1}),
    # automatic assignment, on the round of the scoring sample below (the sample challenge has no round yet)
    Case("reviews.auto_assign", "GET", REVIEW_MANAGERS, _review_round),
    Case(
        "reviews.auto_assign",
        "POST",
        REVIEW_MANAGERS,
        _review_round,
        lambda s: {"mode": "total", "max_probability": "0.5"},
    ),
    Case("reviews.auto_assign_confirm", "POST", REVIEW_MANAGERS, _review_round, lambda s: {"mode": "total"}),
    Case("reviews.assignment_decline", "POST", SIGNED_IN, lambda s: {"assignment_id": 999999}),
    # the ranking, its shortlist and exports (owners and chairs); the decision and the settings (owners only)
    Case("reviews.ranking", "GET", REVIEW_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case(
        "reviews.ranking_export",
        "GET",
        REVIEW_MANAGERS,
        lambda s: {"slug": s["challenge_slug"], "number": 1, "fmt": "csv"},
    ),
    Case("reviews.shortlist", "POST", REVIEW_MANAGERS, lambda s: {"slug": s["challenge_slug"], "number": 1}),
    Case("reviews.decide", "POST", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case("reviews.solutions", "GET", EVERYONE),
    Case("reviews.review_settings", "GET", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case(
        "reviews.review_settings",
        "POST",
        PALEMBANG_MANAGERS,
        lambda s: {"slug": s["challenge_slug"]},
        lambda s: {"blindness": "open", "min_reviews": "0", "disagreement_spread": "25"},
    ),
    # scoring (sample: an unsealed challenge under review whose submitted proposal, of a team outside the roles, is
    # assigned to reviewer and to conflicted_reviewer, who has a conflict with it; reviewer has not submitted yet)
    Case("reviews.my_reviews", "GET", SIGNED_IN),
    Case("reviews.review_form", "GET", ASSIGNEE, lambda s: {"assignment_id": s["review_assignment_id"]}),
    Case(
        "reviews.review_form",
        "POST",
        ASSIGNEE,
        lambda s: {"assignment_id": s["review_assignment_id"]},
        lambda s: {"action": "draft", "panel_note": "Catatan awal."},
    ),
    Case(
        "reviews.review_form",
        "GET",
        NOBODYS,
        lambda s: {"assignment_id": s["conflicted_assignment_id"]},
        label="conflicted",
    ),
    Case("reviews.panel_proposal", "GET", REVIEWED_PROPOSAL, _reviewed_proposal),
    Case("reviews.discuss", "POST", DISCUSSION, _reviewed_proposal, lambda s: {"body": "Skor dampak berbeda jauh."}),
    # proposals (sample: a draft of org_member with org_admin as accepted partner)
    Case("proposals.start", "GET", SIGNED_IN, lambda s: {"slug": s["challenge_slug"]}),
    Case("proposals.start", "POST", SIGNED_IN, lambda s: {"slug": s["challenge_slug"]}, lambda s: {"title": ""}),
    Case("proposals.show", "GET", PROPOSAL_TEAM_ROW, lambda s: {"proposal_id": s["proposal_id"]}),
    Case("proposals.receipt", "GET", PROPOSAL_TEAM_ROW, lambda s: {"proposal_id": s["proposal_id"]}),
    Case(
        "proposals.attachment",
        "GET",
        PROPOSAL_TEAM_ROW,
        lambda s: {"proposal_id": s["proposal_id"], "attachment_id": 999999},
    ),
    Case("proposals.mine", "GET", SIGNED_IN),
    Case("proposals.challenge_proposals", "GET", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case("proposals.edit", "GET", PROPOSAL_LEAD_ROW, lambda s: {"proposal_id": s["proposal_id"]}),
    Case(
        "proposals.edit",
        "POST",
        PROPOSAL_LEAD_ROW,
        lambda s: {"proposal_id": s["proposal_id"]},
        lambda s: {"title": "Judul diubah orang lain"},
    ),
    Case("proposals.upload", "POST", PROPOSAL_LEAD_ROW, lambda s: {"proposal_id": s["proposal_id"]}),
    Case(
        "proposals.remove_attachment",
        "POST",
        PROPOSAL_LEAD_ROW,
        lambda s: {"proposal_id": s["proposal_id"], "attachment_id": 999999},
    ),
    Case("proposals.submit", "POST", PROPOSAL_LEAD_ROW, lambda s: {"proposal_id": s["proposal_id"]}),
    Case("proposals.withdraw", "POST", PROPOSAL_LEAD_ROW, lambda s: {"proposal_id": s["proposal_id"]}),
    Case("proposals.team", "GET", PROPOSAL_TEAM_ROW, lambda s: {"proposal_id": s["proposal_id"]}),
    Case(
        "proposals.invite_partner",
        "POST",
        PROPOSAL_LEAD_ROW,
        lambda s: {"proposal_id": s["proposal_id"]},
        lambda s: {"email": "partner@example.id"},
    ),
    Case(
        "proposals.remove_partner",
        "POST",
        PROPOSAL_LEAD_ROW,
        lambda s: {"proposal_id": s["proposal_id"], "member_id": s["partner_id"]},
    ),
    Case("proposals.team_invitation", "GET", SIGNED_IN, lambda s: {"token": "junk-token"}),
    Case("proposals.team_invitation", "POST", SIGNED_IN, lambda s: {"token": "junk-token"}),
    # Answered from the dashboard by the addressee only; another's invitation answers 404 (the view's rule).
    Case("proposals.answer_invitation", "POST", SIGNED_IN, lambda s: {"member_id": s["partner_id"]}),
    # matchmaking: recommendations, invitations to apply and to co-own, partners, reviewers
    Case("matching.recommendations", "GET", SIGNED_IN),
    Case(
        "matching.dismiss",
        "POST",
        SIGNED_IN,
        data=lambda s: {"kind": "challenge", "target": f"challenge:{s['challenge_id']}"},
    ),
    Case("matching.solvers", "GET", PALEMBANG_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case(
        "matching.invite_solver",
        "POST",
        PALEMBANG_MANAGERS,
        lambda s: {"slug": s["challenge_slug"]},
        lambda s: {"target": f"user:{s['public_user_id']}", "message": "Silakan mengajukan usulan."},
    ),
    Case("matching.invitations", "GET", SIGNED_IN),
    Case(
        "matching.decline_apply",
        "POST",
        INDUSTRY_MANAGERS_ONLY,
        lambda s: {"invitation_id": s["apply_invitation_id"]},
    ),
    Case(
        "matching.invite_co_owner",
        "POST",
        PALEMBANG_MANAGERS,
        lambda s: {"slug": s["challenge_slug"]},
        lambda s: {"organization_id": s["banyuasin_id"]},
    ),
    Case(
        "matching.accept_co_own",
        "POST",
        PALEMBANG_MANAGERS_ONLY,
        lambda s: {"invitation_id": s["co_own_invitation_id"]},
    ),
    Case(
        "matching.decline_co_own",
        "POST",
        PALEMBANG_MANAGERS_ONLY,
        lambda s: {"invitation_id": s["co_own_invitation_id"]},
    ),
    Case("matching.partners", "GET", INDUSTRY_MEMBERS, _industry),
    Case("matching.suggested_reviewers", "GET", REVIEW_MANAGERS, lambda s: {"slug": s["challenge_slug"]}),
    Case(
        "matching.invite_reviewer",
        "POST",
        REVIEW_MANAGERS,
        lambda s: {"slug": s["challenge_slug"]},
        lambda s: {"user_id": s["public_user_id"]},
    ),
    # introductions (sample: a pending request of user to org_member) and blocks
    Case("matching.new_introduction", "GET", SIGNED_IN, query={"organization": "pt-industri"}),
    Case(
        "matching.new_introduction",
        "POST",
        SIGNED_IN,
        data=lambda s: {"message": "Kami ingin bekerja sama soal sensor banjir."},
        query={"organization": "pt-industri"},
    ),
    Case("matching.introductions", "GET", SIGNED_IN),
    Case("matching.introduction", "GET", INTRODUCTION_SIDES, _introduction),
    Case("matching.accept", "POST", INTRODUCTION_SIDES, _introduction),
    Case("matching.decline", "POST", INTRODUCTION_SIDES, _introduction),
    Case("matching.post_message", "POST", INTRODUCTION_SIDES, _introduction, lambda s: {"body": "Halo, salam kenal."}),
    Case("matching.block", "POST", SIGNED_IN, lambda s: {"user_id": s["public_user_id"]}),
    Case("matching.unblock", "POST", SIGNED_IN, lambda s: {"user_id": s["public_user_id"]}),
    # notifications
    Case("notify.index", "GET", SIGNED_IN),
    Case("notify.mark_read", "POST", SIGNED_IN, lambda s: {"notification_id": 999999}),
    Case("notify.mark_all_read", "POST", SIGNED_IN),
    Case("notify.settings", "GET", SIGNED_IN),
    Case("notify.settings", "POST", SIGNED_IN),
    # saved searches (sample: one of a user outside the roles)
    Case("alerts.index", "GET", SIGNED_IN),
    Case("alerts.save", "POST", SIGNED_IN, data=lambda s: {"q": "banjir", "sector": "water"}),
    Case(
        "alerts.rename",
        "POST",
        SOMEONE_ELSES,
        lambda s: {"search_id": s["saved_search_id"]},
        lambda s: {"name": "Baru"},
    ),
    Case("alerts.delete", "POST", SOMEONE_ELSES, lambda s: {"search_id": s["saved_search_id"]}),
    Case("alerts.unsubscribe", "GET", EVERYONE, lambda s: {"token": "junk-token"}),
    Case("alerts.unsubscribe", "POST", EVERYONE, lambda s: {"token": "junk-token"}),
    # admin
    Case("admin.dashboard", "GET", PLATFORM_ADMINS),
    Case("admin.verifications", "GET", PLATFORM_ADMINS),
    Case("admin.verification", "GET", PLATFORM_ADMINS, lambda s: {"request_id": s["gowa_request_id"]}),
    Case(
        "admin.verification",
        "POST",
        PLATFORM_ADMINS,
        lambda s: {"request_id": s["gowa_request_id"]},
        lambda s: {"decision": "approve", "reason": ""},
    ),
    Case("admin.users", "GET", PLATFORM_ADMINS),
    Case("admin.disable_user", "POST", PLATFORM_ADMINS, lambda s: {"user_id": s["target_user_id"]}),
    Case("admin.enable_user", "POST", PLATFORM_ADMINS, lambda s: {"user_id": s["disabled_user_id"]}),
    Case("admin.audit_log", "GET", PLATFORM_ADMINS),
    Case("admin.verification_letter", "GET", PLATFORM_ADMINS, lambda s: {"request_id": s["gowa_request_id"]}),
]


# --- samples and helpers ---------------------------------------------------------------------------------------------


def _letter_file(app) -> str:
    stored_name = secrets.token_hex(16)
    (upload_root() / stored_name).write_bytes(PDF)
    return stored_name


def _invitation(db, organization, inviter, email: str) -> tuple[Invitation, str]:
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization=organization,
        email=email,
        role=MemberRole.MEMBER,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        invited_by_id=inviter.id,
        created_at=clock.now(),
        expires_at=clock.now() + timedelta(days=7),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def _verification_request(app, db, organization, submitter, status: VerificationStatus) -> VerificationRequest:
    request = VerificationRequest(
        organization=organization,
        submitted_by_id=submitter.id,
        official_email_domain="example.go.id",
        letter_stored_name=_letter_file(app),
        letter_filename="surat.pdf",
        letter_size=len(PDF),
        status=status,
        created_at=clock.now(),
    )
    db.session.add(request)
    db.session.flush()
    return request


def _challenge(db, world, publish: bool, title: str, organization=None, actor=None):
    """A challenge of pemkot-palembang (or of organization, by actor) built through the services, sealed and open for
    30 days."""
    now = clock.now()
    values = {
        "title": title,
        "summary": "Kurangi genangan di pusat kota.",
        "problem": "Genangan setelah hujan deras.",
        "sector": "environment",
        "province_code": "16",
        "eligible_kinds": list(SolverKind),
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=30),
        "is_sealed": True,
        "consortium_required": False,
    }
    actor = actor or world["users"]["gov_admin"]
    challenge = challenge_services.create_challenge(actor, organization or world["gov_verified"], values)
    if publish:
        challenge_lifecycle.publish(actor, challenge)
    db.session.flush()
    return challenge


def _panel(db, world, challenge) -> tuple[PanelMember, Conflict]:
    """The panel roles on challenge (accepted), a conflict of conflicted_reviewer with each of its proposals, and one
    invitation still unanswered; returns the invitation and the first conflict."""
    users = world["users"]
    owner = users["gov_admin"]
    for role, panel_role in (
        ("reviewer", PanelRole.REVIEWER),
        ("conflicted_reviewer", PanelRole.REVIEWER),
        ("chair", PanelRole.CHAIR),
    ):
        db.session.add(
            PanelMember(
                challenge_id=challenge.id,
                email=users[role].email,
                user_id=users[role].id,
                role=panel_role,
                status=PanelStatus.ACCEPTED,
                invited_by_id=owner.id,
                responded_at=clock.now(),
            )
        )
    for proposal_id in db.session.scalars(select(Proposal.id).where(Proposal.challenge_id == challenge.id)):
        db.session.add(
            Conflict(
                challenge_id=challenge.id,
                proposal_id=proposal_id,
                user_id=users["conflicted_reviewer"].id,
                source=ConflictSource.SET,
                kind=ConflictKind.EMPLOYMENT,
                reason="Bekerja di organisasi tim.",
                created_by_id=owner.id,
            )
        )
    invited = PanelMember(
        challenge_id=challenge.id,
        email="diundang@example.id",
        role=PanelRole.REVIEWER,
        status=PanelStatus.INVITED,
        token_hash=hashlib.sha256(b"panel-invitation-token").hexdigest(),
        invited_by_id=owner.id,
    )
    db.session.add(invited)
    db.session.flush()
    return invited, db.session.scalar(select(Conflict).order_by(Conflict.id).limit(1))


def _scoring_sample(db, world) -> tuple[Challenge, Proposal, Assignment, Assignment]:
    """An unsealed challenge under review: a submitted proposal of a team outside the roles in its round 1, the panel
    roles accepted on it, conflicted_reviewer with a conflict with the proposal, and the proposal assigned to reviewer
    and (before the conflict) to conflicted_reviewer; returns the challenge, the proposal and the two assignments."""
    users = world["users"]
    challenge = _challenge(db, world, publish=True, title="Penilaian Palembang")
    challenge.is_sealed = False
    lead = factories.make_user(email="ketua@tim-penilai.id", name="Ketua Tim Dinilai")
    proposal = proposal_services.start_proposal(lead, challenge, None, "Sensor Genangan")
    fill(proposal)
    submit_proposal(lead, proposal)
    review_round = ReviewRound(
        challenge_id=challenge.id, number=1, name="Seleksi", deadline=clock.now() + timedelta(days=10)
    )
    db.session.add(review_round)
    db.session.flush()
    db.session.add(RoundProposal(round_id=review_round.id, proposal_id=proposal.id))
    members = {}
    for role, panel_role in (
        ("reviewer", PanelRole.REVIEWER),
        ("conflicted_reviewer", PanelRole.REVIEWER),
        ("chair", PanelRole.CHAIR),
    ):
        members[role] = PanelMember(
            challenge_id=challenge.id,
            email=users[role].email,
            user_id=users[role].id,
            role=panel_role,
            status=PanelStatus.ACCEPTED,
        )
        db.session.add(members[role])
    db.session.flush()
    assignments = [
        Assignment(round_id=review_round.id, proposal_id=proposal.id, member_id=members[role].id)
        for role in ("reviewer", "conflicted_reviewer")
    ]
    db.session.add_all(assignments)
    db.session.add(
        Conflict(
            challenge_id=challenge.id,
            proposal_id=proposal.id,
            user_id=users["conflicted_reviewer"].id,
            source=ConflictSource.DECLARED,
            kind=ConflictKind.PERSONAL,
            reason="Keluarga ketua tim.",
        )
    )
    db.session.flush()
    return challenge, proposal, assignments[0], assignments[1]


def _matching_samples(db, world, challenge, someone) -> dict:
    """Issue 12's samples: past projects, offers, an introduction between two roles and the invitations to apply and
    to co-own; returns their ids."""
    users, industry = world["users"], world["industry"]
    industry.ref = "ORG-INDUSTRI"
    challenge.ref = "CH-BANJIR-PALEMBANG"
    industry_project = PastProject(organization=industry, title="Sensor banjir Bekasi", year=2022)
    palembang_project = PastProject(organization=world["gov_verified"], title="Drainase Palembang", year=2021)
    someone_elses_project = PastProject(user=someone, title="Proyek pribadi", year=2020)
    expires_on = offers.today() + timedelta(days=90)
    offer, hidden_offer = (
        Offer(
            organization=industry,
            created_by=users["org_admin"],
            kind=OfferKind.TECHNOLOGY_OFFER,
            title=title,
            description="Sensor muka air dengan laporan tiap menit.",
            is_public=is_public,
            expires_on=expires_on,
        )
        for title, is_public in (("Sensor muka air", True), ("Sensor rahasia", False))
    )
    introduction = Introduction(
        requester=users["user"],
        recipient_user=users["org_member"],
        message="Saya ingin belajar tentang sensor banjir Anda.",
        expires_at=clock.now() + timedelta(days=14),
    )
    apply_invitation = ApplyInvitation(challenge=challenge, organization=industry, invited_by_id=users["gov_admin"].id)
    owner = factories.make_user(email="admin@banyuasinkab.go.id", name="Admin Banyuasin")
    banyuasin = factories.make_org(
        OrgKind.GOVERNMENT, owner=owner, verified=True, slug="pemkab-banyuasin", name="Pemkab Banyuasin"
    )
    theirs = _challenge(db, world, publish=True, title="Banjir di Banyuasin", organization=banyuasin, actor=owner)
    co_own_invitation = CoOwnInvitation(challenge=theirs, organization=world["gov_verified"], invited_by_id=owner.id)
    db.session.add_all(
        [
            industry_project,
            palembang_project,
            someone_elses_project,
            offer,
            hidden_offer,
            introduction,
            apply_invitation,
            co_own_invitation,
        ]
    )
    db.session.flush()
    return {
        "industry_ref": industry.ref,
        "challenge_ref": challenge.ref,
        "challenge_id": challenge.id,
        "industry_project_id": industry_project.id,
        "palembang_project_id": palembang_project.id,
        "someone_elses_project_id": someone_elses_project.id,
        "offer_id": offer.id,
        "hidden_offer_id": hidden_offer.id,
        "introduction_id": introduction.id,
        "apply_invitation_id": apply_invitation.id,
        "banyuasin_id": banyuasin.id,
        "co_own_invitation_id": co_own_invitation.id,
    }


@pytest.fixture
def client(app):
    """A client that starts each request with an empty flask.g, as a real server does."""
    return fresh_client(app)


@pytest.fixture
def samples(app, db, world):
    """The ids and tokens the URLs of the matrix need, created on top of the world."""
    users = world["users"]
    industry = world["industry"]
    member_membership = next(m for m in industry.memberships if m.user_id == users["org_member"].id)
    public_person = factories.make_user(email="publik@example.id", name="Orang Publik", is_public_profile=True)
    target = factories.make_user(email="target@example.id", name="Akun Sasaran")
    disabled = factories.make_user(email="disabled@example.id", name="Akun Nonaktif", is_disabled=True)
    gowa = factories.make_org(OrgKind.GOVERNMENT, owner=users["org_owner"], slug="pemkab-gowa", name="Pemkab Gowa")
    makassar_request = _verification_request(
        app, db, world["gov_unverified"], users["gov_admin_unverified"], VerificationStatus.REJECTED
    )
    gowa_request = _verification_request(app, db, gowa, users["org_owner"], VerificationStatus.PENDING)
    challenge = _challenge(db, world, publish=True, title="Banjir di Palembang")
    draft = _challenge(db, world, publish=False, title="Draf Palembang")
    decided = _challenge(db, world, publish=True, title="Diputuskan Palembang")
    for status in (ChallengeStatus.CLOSED, ChallengeStatus.UNDER_REVIEW):
        challenge_lifecycle.transition(decided, status, world["users"]["gov_admin"])
    challenge_lifecycle.decide(world["users"]["gov_admin"], decided, ChallengeOutcome.NOT_AWARDED)
    proposal = proposal_services.start_proposal(users["org_member"], challenge, None, "Sistem Peringatan Banjir")
    partner = TeamMember(
        user_id=users["org_admin"].id,
        email=users["org_admin"].email,
        role=TeamRole.PARTNER,
        status=TeamMemberStatus.ACCEPTED,
        invited_at=clock.now(),
        accepted_at=clock.now(),
    )
    proposal.members.append(partner)
    invited_member, panel_conflict = _panel(db, world, challenge)
    reviewed, reviewed_proposal, review_assignment, conflicted_assignment = _scoring_sample(db, world)
    saved_search = save_search(target, Criteria(keywords="banjir"), "Banjir")
    _, invitation_token = _invitation(db, industry, users["org_admin"], "warga@example.id")
    revocable, _ = _invitation(db, industry, users["org_admin"], "invitee@example.id")
    matching = _matching_samples(db, world, challenge, target)
    api_token, _secret = api_tokens.create_token(users["org_admin"], industry, "Sistem ERP", {Scope.READ}, 90)
    webhook, _secret = api_webhooks.create_webhook(
        users["org_admin"], industry, "https://93.184.215.14/goi", {WebhookEvent.CHALLENGE_PUBLISHED}, WebhookScope.OWN
    )
    db.session.commit()
    return {
        **matching,
        "public_user_id": public_person.id,
        "target_user_id": target.id,
        "disabled_user_id": disabled.id,
        "member_membership_id": member_membership.id,
        "makassar_membership_id": world["gov_unverified"].memberships[0].id,
        "invitation_id": revocable.id,
        "invitation_token": invitation_token,
        "makassar_request_id": makassar_request.id,
        "gowa_request_id": gowa_request.id,
        "challenge_slug": challenge.slug,
        "draft_slug": draft.slug,
        "decided_slug": decided.slug,
        "proposal_id": proposal.id,
        "partner_id": partner.id,
        "invited_member_id": invited_member.id,
        "panel_invitation_token": "panel-invitation-token",
        "panel_conflict_id": panel_conflict.id,
        "saved_search_id": saved_search.id,
        "review_slug": reviewed.slug,
        "review_proposal_id": reviewed_proposal.id,
        "review_assignment_id": review_assignment.id,
        "conflicted_assignment_id": conflicted_assignment.id,
        "industry_token_id": api_token.id,
        "industry_webhook_id": webhook.id,
    }


def url_of(app, case: Case, samples: dict) -> str:
    with app.test_request_context():
        return url_for(case.endpoint, **case.args(samples), **case.query)


def snapshot(db) -> dict[str, list]:
    """Every row of every table, to compare before and after a request."""
    return {
        table.name: sorted((tuple(row) for row in db.session.execute(table.select())), key=repr)
        for table in db.metadata.sorted_tables
    }


# --- tests -----------------------------------------------------------------------------------------------------------


def test_every_endpoint_has_a_policy_entry(app):
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - set(POLICY))
    assert missing == [], f"endpoints without a rule in POLICY: {missing}"
    assert all(isinstance(POLICY[rule.endpoint], Rule) for rule in app.url_map.iter_rules())


def test_unlisted_endpoint_is_refused(app, world, login_as):
    """enforce_policy refuses (403) a view that was added without route(): closed by default."""
    app.add_url_rule("/unlisted-probe", "unlisted_probe", lambda: "secret")
    client = app.test_client()
    assert client.get("/unlisted-probe").status_code == 403
    assert "secret" not in client.get("/unlisted-probe").get_data(as_text=True)


def test_matrix_covers_every_endpoint_and_method(app):
    covered = {(case.endpoint, case.method) for case in CASES}
    routes = {
        (rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes - covered == set(), "add these to the expectation table"
    assert covered - routes == set(), "the table lists routes that do not exist"
    for case in CASES:
        assert set(case.expected) == set(ROLES), case.id
        assert set(case.expected.values()) <= {ALLOW, DENY, LOGIN, HIDDEN, TOKEN}, case.id


def _outcome_problem(response, expected: str, url: str) -> str | None:
    """What is wrong with response for the expected outcome, or None."""
    status = response.status_code
    location = urlsplit(response.headers.get("Location", ""))
    to_login = status == 302 and location.path == "/login" and "next" in parse_qs(location.query)
    if expected == LOGIN:
        if not to_login or parse_qs(location.query)["next"] != [url]:
            return f"expected a redirect to /login?next={url}, got {status} {response.headers.get('Location')}"
    elif expected == DENY:
        if status != 403:
            return f"expected 403, got {status}"
    elif expected == HIDDEN:
        if status != 404:
            return f"expected 404, got {status}"
    elif expected == TOKEN:
        if status != 401:
            return f"expected 401 (an API token is needed), got {status}"
    elif status in (401, 403) or status >= 500 or to_login:
        return f"expected access, got {status} {response.headers.get('Location', '')}"
    return None


def _roles_in_order(case: Case) -> list[str]:
    """Refused roles first: their requests must leave the database as it is for the roles after them."""
    return sorted(ROLES, key=lambda role: case.expected[role] == ALLOW)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES if c.method == "GET"])
def test_get_matrix(app, client, db, samples, login_as, case):
    problems = []
    for role in ROLES:
        login_as(role)
        url = url_of(app, case, samples)
        response = client.get(url)
        response.close()
        problem = _outcome_problem(response, case.expected[role], url)
        if problem:
            problems.append(f"{role}: {problem}")
    assert problems == [], f"GET {case.endpoint}"


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES if c.method == "POST"])
def test_post_matrix(app, client, db, samples, login_as, case):
    problems = []
    for role in _roles_in_order(case):
        login_as(role)
        url = url_of(app, case, samples)
        payload = {**case.data(samples), "csrf_token": session_csrf_token(client)}
        before = snapshot(db)
        # As a browser posts a form: with the Origin of the page it came from.
        response = client.post(url, data=payload, headers={"Origin": "http://localhost"})
        response.close()
        expected = case.expected[role]
        problem = _outcome_problem(response, expected, url)
        if problem:
            problems.append(f"{role}: {problem}")
        if expected != ALLOW and snapshot(db) != before:
            problems.append(f"{role}: the refused POST changed the database")
    assert problems == [], f"POST {case.endpoint}"


def test_allowed_posts_take_effect(app, client, db, samples, login_as):
    """The allowed side of a few POSTs really acts, so the refusals above are not vacuous."""
    login_as("org_admin")
    token = session_csrf_token(client)
    url = f"/orgs/pt-industri/members/{samples['member_membership_id']}/role"
    assert client.post(url, data={"role": "admin", "csrf_token": token}).status_code == 302
    assert db.session.get(Membership, samples["member_membership_id"]).role == MemberRole.ADMIN
    login_as("platform_admin")
    token = session_csrf_token(client)
    response = client.post(
        f"/admin/verifications/{samples['gowa_request_id']}", data={"decision": "approve", "csrf_token": token}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(VerificationRequest, samples["gowa_request_id"]).status == VerificationStatus.APPROVED


def test_membership_of_another_organization_is_not_reachable_through_own_slug(app, client, db, samples, login_as):
    """An admin of pemkot-makassar cannot touch a pt-industri membership by putting its id under their own slug."""
    login_as("gov_admin_unverified")
    token = session_csrf_token(client)
    before = snapshot(db)
    membership_id = samples["member_membership_id"]
    role = client.post(
        f"/orgs/pemkot-makassar/members/{membership_id}/role", data={"role": "admin", "csrf_token": token}
    )
    remove = client.post(f"/orgs/pemkot-makassar/members/{membership_id}/remove", data={"csrf_token": token})
    revoke = client.post(
        f"/orgs/pemkot-makassar/invitations/{samples['invitation_id']}/revoke", data={"csrf_token": token}
    )
    letter = client.get(f"/orgs/pemkot-makassar/verification/{samples['gowa_request_id']}/letter")
    letter.close()
    assert [role.status_code, remove.status_code, revoke.status_code, letter.status_code] == [404, 404, 404, 404]
    assert snapshot(db) == before


def _allowed_role(case: Case) -> str:
    """A role the case allows, signed in when possible."""
    allowed = [role for role in ROLES if case.expected[role] == ALLOW]
    assert allowed, f"{case.id} allows nobody"
    return next((role for role in allowed if role != "anonymous"), allowed[0])


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.id) for c in CASES if c.method == "POST" and ALLOW in c.expected.values()]
)
def test_post_without_csrf_token_is_refused(app, client, db, samples, login_as, case):
    login_as(_allowed_role(case))
    url = url_of(app, case, samples)
    before = snapshot(db)
    response = client.post(url, data=case.data(samples))
    assert response.status_code == 400, f"POST {url} without a CSRF token answered {response.status_code}"
    response = client.post(url, data={**case.data(samples), "csrf_token": "forged-token"})
    assert response.status_code == 400, f"POST {url} with a forged CSRF token answered {response.status_code}"
    assert snapshot(db) == before


@pytest.mark.parametrize("role", ["anonymous", "org_member", "gov_admin_unverified", "platform_admin"])
def test_get_handlers_do_not_change_the_database(app, client, db, samples, login_as, role):
    login_as(role)
    before = snapshot(db)
    statuses = {}
    for case in CASES:
        if case.method != "GET":
            continue
        url = url_of(app, case, samples)
        response = client.get(url)
        response.close()
        statuses[url] = response.status_code
    assert all(status < 500 for status in statuses.values()), statuses
    assert snapshot(db) == before


def _draft_routes(app) -> list[tuple[str, str, dict]]:
    """(endpoint, method, extra arguments) of every route under /challenges/<slug>."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/challenges/<slug>"):
            continue
        extra = {name: 1 for name in rule.arguments if name != "slug"}
        routes += [(rule.endpoint, method, extra) for method in sorted(rule.methods & {"GET", "POST"})]
    return routes


@pytest.mark.parametrize("role", ["user", "org_admin", "gov_admin_unverified", "platform_admin"])
def test_a_draft_its_viewer_may_not_see_answers_404_on_every_route_as_a_missing_one_does(
    app, client, db, samples, login_as, role
):
    """Whatever a viewer may not see answers as if it did not exist, so no route confirms that a draft exists."""
    login_as(role)
    token = session_csrf_token(client)
    problems = []
    routes = _draft_routes(app)
    assert len(routes) > 15
    for endpoint, method, extra in routes:
        statuses = {}
        for slug in (samples["draft_slug"], "no-such-challenge"):
            with app.test_request_context():
                url = url_for(endpoint, slug=slug, **extra)
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": token}, headers={"Referer": "http://localhost/"})
            response.close()
            statuses[slug] = response.status_code
        if set(statuses.values()) != {404}:
            problems.append(f"{method} {endpoint}: {statuses}")
    assert problems == []
