"""Attachments: checked by content, per-file and per-proposal limits, downloads as attachments."""

import hashlib
import io
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from goi.core import clock
from goi.proposals.models import ProposalAttachment
from tests.conftest import log_in, post_form
from tests.proposals.conftest import PDF, make_proposal, submit


def _upload(client, proposal, content: bytes, name: str = "rencana.pdf", page: str | None = None):
    return post_form(
        client,
        f"/proposals/{proposal.id}/attachments",
        {"file": (io.BytesIO(content), name)},
        page=page or f"/proposals/{proposal.id}/edit",
        content_type="multipart/form-data",
    )


def _attachments(db, proposal) -> list[ProposalAttachment]:
    db.session.expire_all()
    query = select(ProposalAttachment).where(ProposalAttachment.proposal_id == proposal.id)
    return list(db.session.scalars(query.order_by(ProposalAttachment.id)))


def _stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_PATH"])
    return sorted(root.iterdir()) if root.exists() else []


def _pdf(size: int) -> bytes:
    return PDF + b"%" + b"x" * (size - len(PDF) - 1)


def test_pdf_is_stored_with_its_hash(app, client, db, make_challenge, world):
    proposal = make_proposal(db, make_challenge(), world["users"]["user"])
    log_in(client, world["users"]["user"])
    assert _upload(client, proposal, PDF).status_code == 302
    [item] = _attachments(db, proposal)
    assert (item.filename, item.file_type, item.size) == ("rencana.pdf", "pdf", len(PDF))
    assert item.sha256 == hashlib.sha256(PDF).hexdigest()
    assert [path.name for path in _stored_files(app)] == [item.stored_name]


def test_disguised_text_file_is_refused_and_nothing_stored(app, client, db, make_challenge, world):
    proposal = make_proposal(db, make_challenge(), world["users"]["user"])
    log_in(client, world["users"]["user"])
    response = _upload(client, proposal, b"just text pretending\n", "laporan.pdf")
    assert response.status_code == 422
    assert _attachments(db, proposal) == []
    assert _stored_files(app) == []


def test_oversized_file_is_refused(app, client, db, make_challenge, world):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    proposal = make_proposal(db, make_challenge(), world["users"]["user"])
    log_in(client, world["users"]["user"])
    assert _upload(client, proposal, _pdf(2048)).status_code == 422
    assert _attachments(db, proposal) == []
    assert _stored_files(app) == []


def test_per_proposal_total_is_enforced(app, client, db, make_challenge, world):
    app.config["PROPOSAL_MAX_BYTES"] = 3000
    proposal = make_proposal(db, make_challenge(), world["users"]["user"])
    log_in(client, world["users"]["user"])
    assert _upload(client, proposal, _pdf(2000), "satu.pdf").status_code == 302
    response = _upload(client, proposal, _pdf(2000), "dua.pdf")
    assert response.status_code == 422
    assert [item.filename for item in _attachments(db, proposal)] == ["satu.pdf"]
    assert len(_stored_files(app)) == 1


def test_download_is_an_attachment_with_nosniff(client, db, make_challenge, world):
    proposal = make_proposal(db, make_challenge(), world["users"]["user"])
    log_in(client, world["users"]["user"])
    _upload(client, proposal, PDF)
    [item] = _attachments(db, proposal)
    response = client.get(f"/proposals/{proposal.id}/attachments/{item.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.data == PDF
    response.close()


def test_attachment_of_another_proposal_is_not_served_under_this_id(client, db, make_challenge, world, solver_orgs):
    challenge = make_challenge()
    mine = make_proposal(db, challenge, world["users"]["user"])
    theirs = make_proposal(db, challenge, solver_orgs["competitor"], title="Lain")
    log_in(client, solver_orgs["competitor"])
    _upload(client, theirs, PDF)
    [item] = _attachments(db, theirs)
    log_in(client, world["users"]["user"])
    assert client.get(f"/proposals/{mine.id}/attachments/{item.id}").status_code == 404


def test_remove_attachment_deletes_the_file(app, client, db, make_challenge, world):
    proposal = make_proposal(db, make_challenge(), world["users"]["user"])
    log_in(client, world["users"]["user"])
    _upload(client, proposal, PDF)
    [item] = _attachments(db, proposal)
    url = f"/proposals/{proposal.id}/attachments/{item.id}/remove"
    assert post_form(client, url, page=f"/proposals/{proposal.id}/edit").status_code == 302
    assert _attachments(db, proposal) == []
    assert _stored_files(app) == []


def test_upload_refused_after_the_deadline(app, client, db, make_challenge, world):
    challenge = make_challenge()
    proposal = make_proposal(db, challenge, world["users"]["user"])
    log_in(client, world["users"]["user"])
    clock.freeze(challenge.closes_at + timedelta(seconds=1))
    assert _upload(client, proposal, PDF, "telat.pdf", page="/").status_code == 422
    assert _attachments(db, proposal) == []
    assert _stored_files(app) == []


def test_owner_downloads_only_files_of_the_submitted_version(client, db, make_challenge, world):
    challenge = make_challenge(is_sealed=False)
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    log_in(client, lead)
    _upload(client, proposal, PDF, "dikirim.pdf")
    submit(client, proposal)
    _upload(client, proposal, _pdf(200), "belum.pdf")
    sent, unsent = _attachments(db, proposal)
    log_in(client, world["users"]["gov_admin"])
    response = client.get(f"/proposals/{proposal.id}/attachments/{sent.id}")
    response.close()
    assert response.status_code == 200
    assert client.get(f"/proposals/{proposal.id}/attachments/{unsent.id}").status_code == 404
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "dikirim.pdf" in html and "belum.pdf" not in html


def test_the_edit_page_with_its_upload_form_has_unique_ids(client, db, make_challenge, world):
    from tests.conftest import duplicate_ids

    proposal = make_proposal(db, make_challenge(), world["users"]["user"])
    log_in(client, world["users"]["user"])
    _upload(client, proposal, PDF)
    html = client.get(f"/proposals/{proposal.id}/edit").get_data(as_text=True)
    assert html.count('name="csrf_token"') >= 2  # the proposal form, the upload form, the remove buttons
    assert duplicate_ids(html) == []
