"""The challenge page's extras: the timeline drawn as phases, a prize apart from the budget, a link to share with
its Open Graph tags, and a cover image checked like every upload."""

import html as html_module
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from goi.challenges import exchange, export
from goi.challenges.models import Challenge, ChallengeDocument, ChallengeOutcome, ChallengeStatus
from goi.core.storage import upload_root
from goi.extensions import db
from tests.challenges import NOW, challenge_form_data, make_challenge
from tests.conftest import count_statements
from tests.images import JPEG_START, WEBP_START, solid_png

PHASE = re.compile(r'<li class="phase [^"]*" data-phase="(\w+)" data-progress="(\w+)"( aria-current="step")?>')
PRIZE = {"prize_amount": 480_000_000, "prize_description": "Kontrak uji coba + Rp 50 juta"}
NEW = "/orgs/pemkot-palembang/challenges/new"


def _page(client, challenge, language: str = "en") -> str:
    client.set_cookie("goi_lang", language)
    response = client.get(f"/challenges/{challenge.slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _phases(html: str) -> list[tuple[str, str, bool]]:
    return [(name, progress, bool(current)) for name, progress, current in PHASE.findall(html)]


def _phase(html: str, name: str) -> str:
    start = html.index(f'data-phase="{name}"')
    return html[start : html.index("</li>", start)]


def _closed(owner, status: ChallengeStatus, **fields) -> Challenge:
    closes_at = NOW - timedelta(days=2)
    values = {
        "opens_at": NOW - timedelta(days=30),
        "closes_at": closes_at,
        "closed_at": closes_at,
        "review_until": NOW + timedelta(days=20),
        "decision_at": NOW + timedelta(days=30),
        **fields,
    }
    return make_challenge(owner, status, **values)


# --- the timeline as phases ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "fields", "expected"),
    [
        (
            ChallengeStatus.PUBLISHED,
            {},
            [("open", "current", True), ("review", "upcoming", False), ("decision", "upcoming", False)],
        ),
        (
            ChallengeStatus.CLOSED,
            {},
            [("open", "done", False), ("review", "current", True), ("decision", "upcoming", False)],
        ),
        (
            ChallengeStatus.UNDER_REVIEW,
            {},
            [("open", "done", False), ("review", "current", True), ("decision", "upcoming", False)],
        ),
        (
            ChallengeStatus.DECIDED,
            {"outcome": ChallengeOutcome.AWARDED, "review_until": NOW - timedelta(days=1)},
            [("open", "done", False), ("review", "done", False), ("decision", "current", True)],
        ),
        (
            ChallengeStatus.ARCHIVED,
            {"review_until": NOW - timedelta(days=1), "decision_at": NOW - timedelta(hours=1)},
            [("open", "done", False), ("review", "done", False), ("decision", "done", False)],
        ),
    ],
)
def test_the_timeline_is_drawn_as_phases_with_the_current_one_marked(
    client, login_as, palembang, status, fields, expected
):
    challenge = (
        make_challenge(palembang, status, review_until=NOW + timedelta(days=50), decision_at=NOW + timedelta(days=60))
        if status == ChallengeStatus.PUBLISHED
        else _closed(palembang, status, **fields)
    )
    db.session.commit()
    html = _page(client, challenge)
    assert _phases(html) == expected
    assert html.count('aria-current="step"') == sum(current for _name, _progress, current in expected)
    for name, progress, _current in expected:
        phase = _phase(html, name)
        # Marked by a word and a sign, not by colour alone.
        word = {"done": "Done", "current": "Now", "upcoming": "To come"}[progress]
        assert f'<span class="phase-progress">{word}</span>' in phase
        assert ("&#x2713;" in phase) == (progress == "done")
    # The dates of what is still to come are in the challenge's zone.
    if status == ChallengeStatus.PUBLISHED:
        assert "<time" in _phase(html, "review") and "WIB" in _phase(html, "decision")


def test_a_draft_is_in_no_phase_yet(client, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.DRAFT, review_until=NOW + timedelta(days=50))
    db.session.commit()
    login_as("gov_admin")
    html = _page(client, challenge)
    assert _phases(html) == [
        ("open", "upcoming", False),
        ("review", "upcoming", False),
        ("decision", "upcoming", False),
    ]
    assert 'aria-current="step"' not in html


def test_a_cancelled_challenge_shows_only_what_happened(client, palembang):
    during_call = make_challenge(palembang, ChallengeStatus.CANCELLED, cancel_reason="Anggaran dialihkan.")
    during_review = _closed(palembang, ChallengeStatus.CANCELLED, cancel_reason="Anggaran dialihkan.")
    db.session.commit()
    html = _page(client, during_call)
    # The call was cut short: stopped, not done.
    assert _phases(html) == [("open", "stopped", False), ("cancelled", "current", True)]
    assert '<span class="phase-progress">Stopped</span>' in _phase(html, "open")
    cancelled = _phase(html, "cancelled")
    assert "&#x2715;" in cancelled and "<time" not in cancelled
    assert 'data-step="review" data-state="cancelled">Review<' in cancelled
    assert 'data-step="decision" data-state="cancelled">Decision<' in cancelled
    html = _page(client, during_review)
    assert _phases(html) == [("open", "done", False), ("review", "stopped", False), ("cancelled", "current", True)]
    assert "Review until:" in _phase(html, "review") and "<time" not in _phase(html, "review").split("Review until:")[1]


def test_a_challenge_cancelled_as_a_draft_had_no_phase(client, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.DRAFT, cancel_reason="Tidak jadi.")
    challenge.status = ChallengeStatus.CANCELLED
    db.session.commit()
    html = _page(client, challenge)
    assert _phases(html) == [("cancelled", "current", True)]
    assert 'data-step="opens" data-state="cancelled">Call for proposals<' in html


def test_the_phases_are_in_indonesian_too(client, palembang):
    challenge = _closed(palembang, ChallengeStatus.UNDER_REVIEW)
    db.session.commit()
    html = _page(client, challenge, "id")
    assert "Sedang berlangsung" in _phase(html, "review") and "Selesai" in _phase(html, "open")
    for english in ("Call for proposals", "To come", ">Now<", ">Done<"):
        assert english not in html, english


# --- the prize, apart from the budget --------------------------------------------------------------------------------


def _only_challenge() -> Challenge:
    db.session.expire_all()
    return db.session.scalars(select(Challenge)).one()


def test_the_form_reads_a_prize_as_people_type_it(client, post, login_as):
    login_as("gov_admin")
    data = challenge_form_data(prize_amount="480 juta", prize_description="Kontrak uji coba + Rp 50 juta")
    assert post(NEW, data, page=NEW).status_code == 302
    challenge = _only_challenge()
    assert challenge.prize_amount == 480_000_000 and challenge.prize_description == "Kontrak uji coba + Rp 50 juta"
    assert challenge.budget_min == 1_500_000_000  # the budget is its own
    html = client.get(f"/challenges/{challenge.slug}/edit").get_data(as_text=True)
    assert 'value="480.000.000"' in html


def test_without_a_prize_the_fields_stay_empty(client, post, login_as):
    login_as("gov_admin")
    assert post(NEW, challenge_form_data(), page=NEW).status_code == 302
    challenge = _only_challenge()
    assert challenge.prize_amount is None and challenge.prize_description is None
    assert 'class="prize"' not in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"prize_amount": "480m"}, None),
        ({"prize_amount": "1,500"}, None),
        ({"prize_description": "x" * 161}, "160"),
    ],
)
def test_a_bad_prize_is_refused_beside_its_field_and_kept_as_typed(client, post, login_as, fields, message):
    login_as("gov_admin")
    response = post(NEW, challenge_form_data(title="Judul yang diketik", **fields), page=NEW)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert db.session.scalars(select(Challenge)).first() is None
    [(name, typed)] = fields.items()
    assert f'id="{name}-error"' in html and f'value="{typed}"' in html and 'value="Judul yang diketik"' in html
    if message:
        assert message in html[html.index(f'id="{name}-error"') :][:300]


def test_the_prize_is_a_key_fact_in_both_languages(client, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED, budget_max=500_000_000, **PRIZE)
    only_words = make_challenge(palembang, ChallengeStatus.PUBLISHED, prize_description="Kontrak uji coba")
    db.session.commit()
    html = _page(client, challenge)
    facts = html[html.index('id="key-facts"') : html.index('id="proposal-panel"')]
    assert "Prize or award" in facts and "Rp 480.000.000" in facts and "Kontrak uji coba + Rp 50 juta" in facts
    assert "Rp 500.000.000" in facts  # the budget beside it
    assert "Hadiah atau penghargaan" in _page(client, challenge, "id")
    html = _page(client, only_words)
    assert "Kontrak uji coba" in html and "prize-amount" not in html


def test_import_and_export_carry_the_prize(app, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED, ref="musi-banjir", **PRIZE)
    db.session.commit()
    data = export.export_data()
    [record] = data["challenges"]
    assert record["prize_amount"] == 480_000_000 and record["prize_description"] == PRIZE["prize_description"]
    challenge.prize_amount, challenge.prize_description = None, None
    db.session.commit()
    exchange.import_data(data)
    db.session.commit()
    again = _only_challenge()
    assert (again.prize_amount, again.prize_description) == (480_000_000, PRIZE["prize_description"])
    assert export.export_data() == data
    record["prize_amount"] = "480 juta"
    with pytest.raises(exchange.ImportFileError, match="'prize_amount' must be a whole number of rupiah"):
        exchange.import_data(data)


# --- sharing: Open Graph tags and the share block --------------------------------------------------------------------


def _meta(html: str, key: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    return html_module.unescape(found.group(1)) if found else None


def test_the_page_tells_a_shared_link_what_to_show(client, palembang):
    title = 'Banjir "Musi" <Palembang> & sekitarnya'
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED, title=title, summary="Peringatan <dini> banjir.")
    db.session.commit()
    response = client.get(f"/challenges/{challenge.slug}")
    assert "Set-Cookie" not in response.headers  # still a page every anonymous visitor may be served from the cache
    html = response.get_data(as_text=True)
    head = html[: html.index("</head>")]
    assert "<Palembang>" not in head and "&lt;Palembang&gt;" in head
    assert _meta(head, "og:title") == title and _meta(head, "og:description") == "Peringatan <dini> banjir."
    assert _meta(head, "og:type") == "website" and _meta(head, "og:locale") == "id_ID"
    assert _meta(head, "og:url") == f"http://localhost/challenges/{challenge.slug}"
    assert _meta(head, "og:image") is None and _meta(head, "twitter:card") == "summary"
    assert _meta(_page(client, challenge, "en"), "og:locale") == "en_US"
    share = html[html.index('id="share"') : html.index("</section>", html.index('id="share"'))]
    assert f'value="http://localhost/challenges/{challenge.slug}" readonly' in share
    assert (
        'data-copy-from="share-url"' in share and "https://wa.me/?text=" in share and 'href="mailto:?subject=' in share
    )
    assert "<script" not in share and "js/share.js" in html


def test_the_cover_is_the_shared_image(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as("gov_admin")
    assert _upload(post, challenge, solid_png(), "sampul.png").status_code == 302
    login_as("anonymous")
    html = _page(client, challenge)
    image = _meta(html, "og:image")
    assert image.startswith(f"http://localhost/challenges/{challenge.slug}/cover?v=")
    response = client.get(image.removeprefix("http://localhost"))
    assert response.status_code == 200 and response.mimetype == "image/png"
    response.close()
    assert _meta(html, "twitter:card") == "summary_large_image"


# --- the cover image ------------------------------------------------------------------------------------------------


def _upload(post, challenge, content: bytes, name: str, alt: str = ""):
    return post(
        f"/challenges/{challenge.slug}/cover",
        {"cover": (io.BytesIO(content), name), "alt": alt},
        page=f"/challenges/{challenge.slug}",
        content_type="multipart/form-data",
    )


def _stored_files() -> list:
    return sorted(path.name for path in upload_root().iterdir())


@pytest.mark.parametrize(
    ("content", "name", "file_type", "mime"),
    [
        (solid_png(), "sampul.png", "png", "image/png"),
        (JPEG_START + b"\x00" * 64, "foto.JPG", "jpg", "image/jpeg"),
        (WEBP_START + b"\x00" * 64, "gambar.webp", "webp", "image/webp"),
        # The content decides, not the name.
        (solid_png(), "sampul.jpeg", "png", "image/png"),
    ],
)
def test_an_owner_sets_a_cover_served_as_an_image(client, post, login_as, palembang, content, name, file_type, mime):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as("gov_admin")
    assert _upload(post, challenge, content, name, alt="Sungai Musi saat banjir").status_code == 302
    challenge = _only_challenge()
    assert challenge.cover_file_type == file_type and challenge.cover_alt == "Sungai Musi saat banjir"
    login_as("anonymous")
    html = _page(client, challenge)
    assert f'<img class="challenge-cover mb-3" src="/challenges/{challenge.slug}/cover?v=' in html
    assert 'alt="Sungai Musi saat banjir"' in html
    response = client.get(f"/challenges/{challenge.slug}/cover")
    assert response.status_code == 200 and response.data == content
    assert response.mimetype == mime and response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment")
    response.close()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"Ini hanya teks biasa, bukan gambar.\n",
            "sampul.png",
            "This kind of file is not accepted. Accepted: JPG, PNG, WEBP.",
        ),
        (b"%PDF-1.4\n%%EOF\n", "sampul.png", "This kind of file is not accepted. Accepted: JPG, PNG, WEBP."),
        (solid_png(400, 400), "besar.png", "The file is larger than"),
    ],
)
def test_a_bad_cover_is_refused_with_a_clear_message(app, client, post, login_as, palembang, content, name, message):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    assert len(solid_png(400, 400)) > 1024
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as("gov_admin")
    client.set_cookie("goi_lang", "en")
    response = _upload(post, challenge, content, name, alt="Teks yang diketik")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'value="Teks yang diketik"' in html
    assert _only_challenge().cover_stored_name is None and _stored_files() == []


def test_a_replaced_or_removed_cover_leaves_no_file(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as("gov_admin")
    _upload(post, challenge, solid_png(), "satu.png")
    first = _only_challenge().cover_stored_name
    _upload(post, challenge, solid_png(rgb=(200, 0, 0)), "dua.png")
    second = _only_challenge().cover_stored_name
    assert second != first and _stored_files() == [second]
    assert "Replace the cover" in _page(client, challenge) or "Ganti sampul" in _page(client, challenge, "id")
    page = f"/challenges/{challenge.slug}"
    assert post(f"/challenges/{challenge.slug}/cover/delete", page=page).status_code == 302
    assert _only_challenge().cover_stored_name is None and _stored_files() == []
    assert client.get(f"/challenges/{challenge.slug}/cover").status_code == 404
    assert "challenge-cover" not in _page(client, challenge)


@pytest.mark.parametrize("role", ["anonymous", "user", "org_admin"])
def test_a_drafts_cover_is_not_found_for_others(client, post, login_as, palembang, role):
    challenge = make_challenge(palembang, ChallengeStatus.DRAFT)
    db.session.commit()
    login_as("gov_admin")
    _upload(post, challenge, solid_png(), "sampul.png")
    url = f"/challenges/{challenge.slug}/cover"
    response = client.get(url)
    assert response.status_code == 200
    response.close()
    login_as(role)
    assert client.get(url).status_code == 404


def test_only_managers_change_the_cover(client, post, login_as, palembang):
    challenge = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    db.session.commit()
    login_as("user")
    assert _upload(post, challenge, solid_png(), "sampul.png").status_code == 403
    assert _only_challenge().cover_stored_name is None and _stored_files() == []
    html = _page(client, challenge)
    assert "cover-form" not in html


# --- the page's statements -------------------------------------------------------------------------------------------


def test_prize_cover_and_phases_read_nothing_more(app, client, post, login_as, world, palembang):
    plain = make_challenge(palembang, ChallengeStatus.PUBLISHED)
    full = make_challenge(palembang, ChallengeStatus.PUBLISHED, budget_max=500_000_000, **PRIZE)
    for number in range(12):
        db.session.add(
            ChallengeDocument(
                challenge=full, stored_name=f"{number:032x}", filename=f"d{number}.pdf", file_type="pdf", size=10
            )
        )
    db.session.commit()
    login_as("gov_admin")
    _upload(post, full, solid_png(), "sampul.png")
    for role in ("anonymous", "user", "gov_admin"):
        login_as(role)
        counts = {
            name: count_statements(client, f"/challenges/{challenge.slug}")
            for name, challenge in (("plain", plain), ("full", full))
        }
        assert counts["plain"] == counts["full"], role
