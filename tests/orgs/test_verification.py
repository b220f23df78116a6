"""Verification of government organizations: the letter, the queue and the decision."""

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from goi.core.audit import AuditEvent
from goi.core.mail import OutboxMessage
from goi.orgs.models import MemberRole, Organization, VerificationRequest, VerificationStatus
from goi.orgs.permissions import can_own_challenges
from tests import factories
from tests.conftest import post_form
from tests.orgs import fresh_client

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MAKASSAR = "/orgs/pemkot-makassar/verification"


@pytest.fixture
def client(app):
    return fresh_client(app)


def _submit(
    client, url: str = MAKASSAR, content: bytes = PDF, filename: str = "surat.pdf", domain="makassarkota.go.id"
):
    return post_form(
        client,
        url,
        {"official_email_domain": domain, "letter": (io.BytesIO(content), filename)},
        page="/",
        content_type="multipart/form-data",
    )


def _requests(db) -> list[VerificationRequest]:
    db.session.expire_all()
    return list(db.session.scalars(select(VerificationRequest).order_by(VerificationRequest.id)))


def _stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_PATH"])
    return sorted(root.iterdir()) if root.exists() else []


def _org(db, slug: str) -> Organization:
    db.session.expire_all()
    return db.session.scalar(select(Organization).where(Organization.slug == slug))


def _count(db, model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def pending(app, client, db, login_as):
    """A pending request of Pemkot Makassar, submitted by its owner."""
    login_as("gov_admin_unverified")
    response = _submit(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    login_as("anonymous")
    (request,) = _requests(db)
    return request


def test_government_admin_requests_verification(app, client, db, login_as, world):
    submitter = login_as("gov_admin_unverified")
    assert client.get(MAKASSAR).status_code == 200
    response = _submit(client, domain="@MakassarKota.go.id")
    assert response.status_code == 302
    (request,) = _requests(db)
    assert request.status == VerificationStatus.PENDING
    assert request.organization_id == world["gov_unverified"].id
    assert request.submitted_by_id == submitter.id
    assert request.official_email_domain == "makassarkota.go.id"
    assert request.letter_filename == "surat.pdf"
    assert request.letter_size == len(PDF)
    stored = Path(app.config["UPLOAD_PATH"]) / request.letter_stored_name
    assert stored.read_bytes() == PDF
    assert _stored_files(app) == [stored]
    assert _count(db, AuditEvent, AuditEvent.action == "org.verification_requested") == 1
    assert _org(db, "pemkot-makassar").verified_at is None


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (PNG, "surat.png"),
        (PNG, "surat.pdf"),
        (b"Surat permohonan verifikasi, bukan PDF.\n", "surat.pdf"),
        (b"", "a.pdf"),
    ],
)
def test_letter_that_is_not_a_pdf_is_refused(app, client, db, login_as, content, filename):
    login_as("gov_admin_unverified")
    response = _submit(client, content=content, filename=filename)
    assert response.status_code == 422
    assert _requests(db) == []
    assert _stored_files(app) == []
    assert _count(db, AuditEvent, AuditEvent.action == "org.verification_requested") == 0


def test_missing_letter_or_bad_domain_is_refused(app, client, db, login_as):
    login_as("gov_admin_unverified")
    response = post_form(client, MAKASSAR, {"official_email_domain": "makassarkota.go.id"}, page="/")
    assert response.status_code == 422
    assert _submit(client, domain="bukan domain").status_code == 422
    assert _requests(db) == []
    assert _stored_files(app) == []


def test_letter_over_the_size_limit_is_refused(app, client, db, login_as):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    login_as("gov_admin_unverified")
    response = _submit(client, content=PDF + b"0" * 2048)
    assert response.status_code == 422
    assert _requests(db) == []
    assert _stored_files(app) == []


def test_non_government_organization_is_refused(app, client, db, login_as):
    login_as("org_owner")
    response = _submit(client, url="/orgs/pt-industri/verification")
    assert response.status_code == 403
    assert _requests(db) == []
    assert _stored_files(app) == []


def test_verified_organization_is_refused(app, client, db, login_as):
    login_as("gov_admin")
    response = _submit(client, url="/orgs/pemkot-palembang/verification", domain="palembang.go.id")
    assert response.status_code == 403
    assert _requests(db) == []


def test_second_pending_request_is_refused(app, client, db, login_as, pending):
    login_as("gov_admin_unverified")
    response = _submit(client)
    assert response.status_code == 403
    assert len(_requests(db)) == 1
    assert _stored_files(app) == [Path(app.config["UPLOAD_PATH"]) / pending.letter_stored_name]


def test_non_admin_member_gets_403(app, client, db, world):
    member = factories.make_user(email="staf@makassar.go.id")
    factories.add_member(world["gov_unverified"], member, MemberRole.MEMBER)
    db.session.commit()
    from tests.conftest import log_in

    log_in(client, member)
    assert client.get(MAKASSAR).status_code == 403
    assert _submit(client).status_code == 403
    assert _requests(db) == []
    assert _stored_files(app) == []


@pytest.mark.parametrize("role", ["user", "org_admin", "gov_admin"])
def test_outsiders_get_403(app, client, db, login_as, role):
    login_as(role)
    assert client.get(MAKASSAR).status_code == 403
    assert _submit(client).status_code == 403
    assert _requests(db) == []


# The letter


def _letter_url(request: VerificationRequest) -> str:
    return f"/orgs/pemkot-makassar/verification/{request.id}/letter"


@pytest.mark.parametrize("role", ["gov_admin_unverified", "platform_admin"])
def test_letter_download_for_org_admin_and_platform_admin(client, login_as, pending, role):
    login_as(role)
    with client.get(_letter_url(pending)) as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert "surat.pdf" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.mimetype == "application/pdf"
        assert response.get_data() == PDF


def test_admin_letter_link_redirects_to_the_download(client, login_as, pending):
    login_as("platform_admin")
    response = client.get(f"/admin/verifications/{pending.id}/letter")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(_letter_url(pending))


@pytest.mark.parametrize("role", ["org_admin", "org_member", "user", "gov_admin"])
def test_letter_download_refused_to_others(client, login_as, pending, role):
    login_as(role)
    assert client.get(_letter_url(pending)).status_code == 403


def test_letter_download_needs_login(client, login_as, pending):
    login_as("anonymous")
    response = client.get(_letter_url(pending))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_letter_of_another_org_is_not_served_through_this_org(client, db, login_as, pending, world):
    login_as("gov_admin")
    response = client.get(f"/orgs/pemkot-palembang/verification/{pending.id}/letter")
    assert response.status_code == 404


# The admin queue and the decision


def _decide(client, request_id: int, decision: str, reason: str = ""):
    return post_form(client, f"/admin/verifications/{request_id}", {"decision": decision, "reason": reason}, page="/")


def _decision_mails(db) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.kind == "verification_decision").order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


def _can_own(app, db, user, slug: str) -> bool:
    organization = _org(db, slug)
    with app.test_request_context():
        return can_own_challenges(user, organization)


@pytest.mark.parametrize("role", ["user", "gov_admin", "gov_admin_unverified", "anonymous"])
def test_queue_is_for_platform_admins_only(client, db, login_as, pending, role):
    login_as(role)
    assert client.get("/admin/verifications").status_code in ((302,) if role == "anonymous" else (403,))
    assert client.get(f"/admin/verifications/{pending.id}").status_code in (302, 403)
    assert _decide(client, pending.id, "approve").status_code in (302, 403)
    assert [r.status for r in _requests(db)] == [VerificationStatus.PENDING]
    assert _decision_mails(db) == []


def test_platform_admin_sees_the_queue(client, login_as, pending):
    login_as("platform_admin")
    response = client.get("/admin/verifications")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Pemkot Makassar" in html
    assert f"/admin/verifications/{pending.id}" in html
    detail = client.get(f"/admin/verifications/{pending.id}")
    assert detail.status_code == 200
    assert "makassarkota.go.id" in detail.get_data(as_text=True)
    assert client.get("/admin/verifications?status=approved").status_code == 200
    assert "Pemkot Makassar" not in client.get("/admin/verifications?status=approved").get_data(as_text=True)
    assert client.get("/admin/verifications?status=bogus").status_code == 404


def test_approval_verifies_mails_and_audits(app, client, db, login_as, world, pending):
    submitter = world["users"]["gov_admin_unverified"]
    submitter.locale = "en"
    db.session.commit()
    assert _can_own(app, db, submitter, "pemkot-makassar") is False
    assert "badge-verified" not in client.get("/orgs/pemkot-makassar").get_data(as_text=True)

    admin = login_as("platform_admin")
    response = _decide(client, pending.id, "approve")
    assert response.status_code == 302
    (request,) = _requests(db)
    assert request.status == VerificationStatus.APPROVED
    assert request.decided_by_id == admin.id and request.decided_at is not None
    organization = _org(db, "pemkot-makassar")
    assert organization.verified_at is not None
    assert organization.verified_by_id == admin.id
    (mail,) = _decision_mails(db)
    assert mail.recipient == "admin@makassar.go.id"
    assert mail.locale == "en"
    assert "/orgs/pemkot-makassar" in mail.body_text
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "admin.verification_approved")).all()
    assert len(events) == 1
    assert events[0].actor_id == admin.id and events[0].object_id == organization.id
    assert events[0].detail["request_id"] == request.id

    login_as("anonymous")
    assert "badge-verified" in client.get("/orgs/pemkot-makassar").get_data(as_text=True)
    assert _can_own(app, db, submitter, "pemkot-makassar") is True
    # Ordinary members of a verified organization still do not own challenges.
    member = factories.make_user()
    factories.add_member(organization, member, MemberRole.MEMBER)
    db.session.commit()
    assert _can_own(app, db, member, "pemkot-makassar") is False
    assert _can_own(app, db, world["users"]["org_owner"], "pt-industri") is False


def test_decision_mail_uses_indonesian_for_indonesian_submitters(client, db, login_as, pending):
    login_as("platform_admin")
    _decide(client, pending.id, "approve")
    (mail,) = _decision_mails(db)
    assert mail.locale == "id"


def test_rejection_needs_a_reason(client, db, login_as, pending):
    login_as("platform_admin")
    response = _decide(client, pending.id, "reject", "   ")
    assert response.status_code == 200
    (request,) = _requests(db)
    assert request.status == VerificationStatus.PENDING
    assert request.decided_at is None
    assert _decision_mails(db) == []
    assert _count(db, AuditEvent, AuditEvent.action.like("admin.verification_%")) == 0


def test_rejection_with_reason(app, client, db, login_as, world, pending):
    admin = login_as("platform_admin")
    response = _decide(client, pending.id, "reject", "Surat belum ditandatangani.")
    assert response.status_code == 302
    (request,) = _requests(db)
    assert request.status == VerificationStatus.REJECTED
    assert request.reason == "Surat belum ditandatangani."
    assert request.decided_by_id == admin.id
    assert _org(db, "pemkot-makassar").verified_at is None
    (mail,) = _decision_mails(db)
    assert mail.recipient == "admin@makassar.go.id"
    assert "Surat belum ditandatangani." in mail.body_text
    assert _count(db, AuditEvent, AuditEvent.action == "admin.verification_rejected") == 1
    assert _can_own(app, db, world["users"]["gov_admin_unverified"], "pemkot-makassar") is False

    # After a rejection the organization may ask again.
    login_as("gov_admin_unverified")
    assert _submit(client).status_code == 302
    assert [r.status for r in _requests(db)] == [VerificationStatus.REJECTED, VerificationStatus.PENDING]


def test_unknown_decision_is_refused(client, db, login_as, pending):
    login_as("platform_admin")
    assert _decide(client, pending.id, "maybe").status_code == 400
    assert _requests(db)[0].status == VerificationStatus.PENDING


@pytest.mark.parametrize(("first", "second"), [("approve", "reject"), ("reject", "approve"), ("approve", "approve")])
def test_decided_request_cannot_be_decided_again(client, db, login_as, pending, first, second):
    login_as("platform_admin")
    assert _decide(client, pending.id, first, "Alasan pertama.").status_code == 302
    (request,) = _requests(db)
    status, decided_at = request.status, request.decided_at
    verified_at = _org(db, "pemkot-makassar").verified_at
    response = _decide(client, pending.id, second, "Alasan kedua.")
    assert response.status_code == 200
    (request,) = _requests(db)
    assert request.status == status
    assert request.decided_at == decided_at
    assert request.reason == "Alasan pertama."
    assert _org(db, "pemkot-makassar").verified_at == verified_at
    assert len(_decision_mails(db)) == 1
    assert _count(db, AuditEvent, AuditEvent.action.like("admin.verification_%")) == 1


def test_unknown_request_is_404(client, login_as, world):
    login_as("platform_admin")
    assert client.get("/admin/verifications/999").status_code == 404
    assert client.get("/admin/verifications/999/letter").status_code == 404
