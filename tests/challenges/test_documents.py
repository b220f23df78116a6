"""Documents: checked by content, downloaded only by those who may see the challenge."""

import io

from sqlalchemy import select

from goi.challenges.models import ChallengeDocument, ChallengeStatus
from goi.core.storage import upload_root
from goi.extensions import db
from tests.challenges import make_challenge

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _documents() -> list[ChallengeDocument]:
    db.session.expire_all()
    return list(db.session.scalars(select(ChallengeDocument).order_by(ChallengeDocument.id)))


def _upload(post, challenge, content: bytes, name: str):
    return post(
        f"/challenges/{challenge.slug}/documents",
        {"document": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_owner_uploads_and_anyone_downloads_a_published_challenges_document(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as("gov_admin")
    assert _upload(post, challenge, PDF, "kerangka acuan.pdf").status_code == 302
    [document] = _documents()
    assert document.file_type == "pdf" and document.filename == "kerangka acuan.pdf" and document.size == len(PDF)
    login_as("anonymous")
    html = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "kerangka acuan.pdf" in html
    response = client.get(f"/challenges/{challenge.slug}/documents/{document.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.data == PDF
    response.close()


def test_a_disguised_file_is_refused(client, post, login_as, palembang, app):
    challenge = make_challenge(palembang, ChallengeStatus.DRAFT)
    db.session.commit()
    login_as("gov_admin")
    response = _upload(post, challenge, b"just text pretending\n", "laporan.pdf")
    assert response.status_code == 422
    assert _documents() == []
    assert list(upload_root().iterdir()) == []


def test_a_drafts_document_is_not_downloaded_by_others(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.DRAFT)
    db.session.commit()
    login_as("gov_admin")
    _upload(post, challenge, PDF, "rahasia.pdf")
    [document] = _documents()
    url = f"/challenges/{challenge.slug}/documents/{document.id}"
    owner = client.get(url)
    assert owner.status_code == 200
    owner.close()
    for role in ("anonymous", "user", "gov_admin_unverified"):
        login_as(role)
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert PDF not in response.data


def test_document_of_another_challenge_is_not_reachable(client, post, login_as, palembang):
    published = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    draft = make_challenge(palembang, ChallengeStatus.DRAFT)
    db.session.commit()
    login_as("gov_admin")
    _upload(post, draft, PDF, "rahasia.pdf")
    [document] = _documents()
    login_as("anonymous")
    assert client.get(f"/challenges/{published.slug}/documents/{document.id}").status_code == 404


def test_owner_removes_a_document_others_cannot(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as("gov_admin")
    _upload(post, challenge, PDF, "peta.pdf")
    [document] = _documents()
    url = f"/challenges/{challenge.slug}/documents/{document.id}/delete"
    login_as("user")
    assert post(url).status_code == 403
    assert _upload(post, challenge, PDF, "sisipan.pdf").status_code == 403
    assert len(_documents()) == 1
    login_as("gov_admin")
    assert post(url).status_code == 302
    assert _documents() == []
    assert not (upload_root() / document.stored_name).exists()


def test_documents_are_frozen_after_the_deadline(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.CLOSED)
    db.session.commit()
    login_as("gov_admin")
    assert _upload(post, challenge, PDF, "terlambat.pdf").status_code == 422
    assert _documents() == []
