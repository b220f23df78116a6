"""The heart of the platform, in a real browser, with three users in their own browser contexts.

A (owner of a verified city government) creates and publishes a sealed challenge; C (a resident) finds it, asks a
question and follows it; A answers publicly and C sees the answer without the asker's name; B (owner of a company)
writes and submits a proposal and gets a receipt; A, before the deadline, sees only that the proposals are sealed.
"""

import re
from datetime import timedelta

from playwright.sync_api import expect

from goi.core import clock
from goi.extensions import db
from goi.orgs.models import OrgKind
from tests.factories import make_org, make_user

GOV_SLUG = "pemkot-makassar"
GOV_NAME = "Pemerintah Kota Makassar"
INDUSTRY_NAME = "PT Sulawesi Digital Nusantara"
A_EMAIL, A_NAME = "andi.pemkot@example.id", "Andi Makkasau"
B_EMAIL, B_NAME = "budi.industri@example.id", "Budi Santoso"
C_EMAIL, C_NAME = "citra.warga@example.id", "Citra Lestari"

TITLE = "Pemantauan banjir rob di pesisir Makassar"
SUMMARY = "Sensor murah dan peringatan dini untuk genangan rob di kawasan pesisir Kota Makassar."
PROBLEM = "Setiap musim hujan, **genangan rob** merendam permukiman pesisir tanpa peringatan dini."
QUESTION = "Apakah data sensor harus disimpan di server milik Pemerintah Kota?"
ANSWER = "Ya, data disimpan di pusat data Pemerintah Kota Makassar."
PROPOSAL_TITLE = "Jaringan sensor rob LoRa untuk pesisir Makassar"
WITA = "Asia/Makassar"


def _setup(live_server) -> int:
    """The three users and their organizations; returns the industry organization's id."""
    with live_server.app.app_context():
        andi = make_user(email=A_EMAIL, name=A_NAME)
        budi = make_user(email=B_EMAIL, name=B_NAME)
        make_user(email=C_EMAIL, name=C_NAME)
        make_org(
            OrgKind.GOVERNMENT,
            owner=andi,
            verified=True,
            name=GOV_NAME,
            slug=GOV_SLUG,
            province_code="73",
            regency_code="73.71",
        )
        industry = make_org(OrgKind.INDUSTRY, owner=budi, name=INDUSTRY_NAME, slug="sulawesi-digital")
        db.session.commit()
        return industry.id


def _wita_input(moment) -> str:
    """A moment as a datetime-local value in WITA."""
    return f"{clock.in_zone(moment, WITA):%Y-%m-%dT%H:%M}"


def test_challenge_question_proposal_sealed(live_server, new_page, log_in, accessibility, console, shoot_series):
    industry_id = _setup(live_server)
    shoot = shoot_series("challenge")
    andi, citra, budi = new_page(), new_page(), new_page()
    confirms: list[str] = []

    def accept(dialog) -> None:
        confirms.append(dialog.message)
        dialog.accept()

    andi.on("dialog", accept)

    # 1. A logs in, opens the organization page and the new-challenge form.
    log_in(andi, A_EMAIL, A_NAME)
    shoot(andi, "owner-logged-in")
    andi.locator("#account-menu").click()
    andi.locator('header a[href="/account/organizations"]').click()
    expect(andi).to_have_url(re.compile(r"/account/organizations$"))
    accessibility.check(andi)
    andi.locator(f'#main a[href="/orgs/{GOV_SLUG}"]').click()
    expect(andi).to_have_url(re.compile(f"/orgs/{GOV_SLUG}$"))
    shoot(andi, "organization")
    andi.locator(f'.org-challenges a[href="/orgs/{GOV_SLUG}/challenges/new"]').click()
    expect(andi.locator("#challenge-form")).to_be_visible()

    # 2. Fill the form; the region sets the zone (WITA), the default criteria total 100.
    form = andi.locator("#challenge-form")
    form.locator("#title").fill(TITLE)
    form.locator("#summary").fill(SUMMARY)
    assert len(SUMMARY) <= 300
    form.locator("#problem").fill(PROBLEM)
    form.locator("#sector").select_option("environment")
    form.locator("#province_code").select_option("73")
    form.locator("#regency_code").select_option("73.71")
    for kind in ("citizen", "investor"):
        form.locator(f'input[name="eligible_kinds"][value="{kind}"]').uncheck()
    expect(form.locator('input[name="eligible_kinds"][value="industry"]')).to_be_checked()
    now = clock.now()
    closes = now + timedelta(days=3)
    form.locator("#opens_at").fill(_wita_input(now - timedelta(minutes=5)))
    form.locator("#closes_at").fill(_wita_input(closes))
    expect(form.locator(".timeline-zone")).to_have_attribute("data-zone", WITA)
    expect(form.locator("#is_sealed")).to_be_checked()
    weights = [
        int(value)
        for value in form.locator('input[name$="-weight"]').evaluate_all("els => els.map(e => e.value)")
        if value
    ]
    assert sum(weights) == 100 and len(weights) >= 2, weights
    shoot(andi, "challenge-form-filled")
    form.locator("button[type=submit]").click()

    # Saved as a draft on its own page; then published (the button asks for confirmation).
    expect(andi).to_have_url(re.compile(r"/challenges/[a-z0-9-]+$"))
    slug = andi.url.rsplit("/", 1)[1]
    challenge_path = f"/challenges/{slug}"
    expect(andi.locator("h1 .challenge-status")).to_have_attribute("data-status", "draft")
    shoot(andi, "challenge-draft")
    andi.locator('.manage-panel button[name="action"][value="publish"]').click()
    expect(andi.locator("h1 .challenge-status")).to_have_attribute("data-status", "published")
    assert len(confirms) == 1, confirms

    deadline = andi.locator("time.deadline")
    expect(deadline).to_contain_text("WITA")
    expect(deadline).to_have_text(clock.format_in_zone(closes, WITA, "id"))  # "6 Des 2026, 03.21 WITA"
    countdown = andi.locator(".countdown[data-deadline]")
    expect(countdown).to_be_visible()
    expect(countdown.locator('[data-unit="days"]')).to_have_text(re.compile(r"^[23]$"))
    criteria = andi.locator("#criteria tr.criterion")
    expect(criteria).to_have_count(len(weights))
    shown_weights = [int(text.strip().rstrip("%")) for text in criteria.locator("td.text-end").all_inner_texts()]
    assert shown_weights == weights
    expect(andi.locator(".challenge-facts .region")).to_contain_text("Kota Makassar")
    shoot(andi, "challenge-published")

    # 3. C finds the challenge through the filter form of /challenges and opens it.
    log_in(citra, C_EMAIL, C_NAME)
    citra.locator('header a[href="/challenges"]').click()
    expect(citra).to_have_url(re.compile(r"/challenges$"))
    accessibility.check(citra)
    filters = citra.locator("form.browse-filters")
    filters.locator('select[name="province"]').select_option("73")
    filters.locator('select[name="sector"]').select_option("environment")
    filters.locator('select[name="kind"]').select_option("industry")
    filters.locator("button[type=submit]").click()
    expect(citra).to_have_url(re.compile(r"/challenges\?.*province=73"))
    expect(citra.locator(".result-count")).to_have_attribute("data-total", "1")
    row = citra.locator(f'li.challenge-row[data-challenge="{slug}"]')
    expect(row).to_contain_text(GOV_NAME)
    shoot(citra, "challenges-filtered")
    row.locator(f'a[href="{challenge_path}"]').click()
    expect(citra).to_have_url(re.compile(re.escape(challenge_path) + "$"))
    expect(citra.locator(".manage-panel")).to_have_count(0)
    accessibility.check(citra)

    # She asks a question with the keyboard: Tab from the text to the button, Enter sends it.
    body = citra.locator("#ask textarea[name=body]")
    body.fill(QUESTION)
    citra.keyboard.press("Tab")
    ask_button = citra.locator("#ask button[type=submit]")
    expect(ask_button).to_be_focused()
    citra.keyboard.press("Enter")
    expect(citra).to_have_url(re.compile(re.escape(challenge_path) + "#my-questions$"))
    expect(citra.locator("#my-questions .my-question")).to_contain_text(QUESTION)
    accessibility.check(citra)
    citra.locator('button[name="follow"][value="on"]').click()
    expect(citra.locator('button[name="follow"][value="off"]')).to_be_visible()
    shoot(citra, "question-asked-following")

    # 4. A answers publicly on the owner's questions page.
    andi.locator(f'.manage-panel a[href="{challenge_path}/questions"]').click()
    question = andi.locator("li.owner-question").filter(has_text=QUESTION)
    expect(question).to_contain_text(C_NAME)  # the owners see who asked
    question.locator("textarea[name=answer]").fill(ANSWER)
    expect(question.locator("input[name=publish]")).to_be_checked()
    shoot(andi, "owner-questions")
    question.locator("button[type=submit]").click()
    expect(andi).to_have_url(re.compile(re.escape(challenge_path) + r"/questions#question-\d+$"))
    expect(andi.locator("li.owner-question textarea[name=answer]")).to_have_value(ANSWER)
    accessibility.check(andi)

    # C reloads: the question and answer are public, without her name.
    citra.reload()
    public = citra.locator("dl.public-questions")
    expect(public.locator("dt.public-question")).to_have_text(QUESTION)
    expect(public.locator("dd")).to_contain_text(ANSWER)
    expect(public).not_to_contain_text(C_NAME)
    shoot(citra, "answer-public")

    # 5. B starts a proposal for the company; the public Q&A shows him no asker's name either.
    log_in(budi, B_EMAIL, B_NAME)
    budi.goto(live_server.url + challenge_path)
    expect(budi.locator("dl.public-questions")).to_contain_text(ANSWER)
    expect(budi.locator("#main")).not_to_contain_text(C_NAME)
    accessibility.check(budi)
    budi.locator("#start-proposal").click()
    budi.locator("#team").select_option(str(industry_id))
    budi.locator("#title").fill(PROPOSAL_TITLE)
    shoot(budi, "proposal-start")
    budi.locator("#main form button[type=submit]").click()
    expect(budi).to_have_url(re.compile(r"/proposals/\d+/edit$"))
    proposal_path = budi.url.removeprefix(live_server.url).removesuffix("/edit")

    content = budi.locator(f'#main form[action="{proposal_path}/edit"]')
    expect(content.locator("#title")).to_have_value(PROPOSAL_TITLE)
    content.locator("#summary").fill("Jaringan 40 sensor ketinggian air dengan peringatan dini lewat SMS dan WhatsApp.")
    content.locator("#approach").fill("Sensor ultrasonik bertenaga surya mengirim data melalui **LoRaWAN**.")
    content.locator("#workplan").fill("- Bulan 1: survei lokasi\n- Bulan 2–3: pemasangan\n- Bulan 4: uji coba")
    content.locator("#budget_estimate").fill("850 juta")
    content.locator("#trl").fill("6")
    content.locator("#team_roles").fill("Budi: ketua tim\nRina: insinyur perangkat keras")
    sections = content.locator('textarea[name^="section_"]')
    expect(sections).to_have_count(len(weights))
    for index in range(len(weights)):
        sections.nth(index).fill(f"Jawaban kami untuk kriteria nomor {index + 1}, dengan bukti dari proyek serupa.")
    shoot(budi, "proposal-filled")
    expect(content.locator("#save-and-submit")).to_be_visible()
    content.locator("button[type=submit]:not([name])").click()  # Save; "Save and submit" is beside it
    expect(budi).to_have_url(re.compile(re.escape(proposal_path) + "$"))
    expect(budi.locator("#submission-problems")).to_have_count(0)
    expect(budi.locator("#main aside dd").first).to_have_text("Rp 850.000.000")
    roles = budi.locator("#main aside dd").filter(has_text="Rina")
    assert roles.evaluate("e => getComputedStyle(e).whiteSpace") == "pre-line"  # line breaks kept, no style=""
    shoot(budi, "proposal-saved")
    budi.locator(f'form[action="{proposal_path}"] button[type=submit]').click()

    # The receipt: SHA-256 of the content, the time in UTC and in WITA.
    expect(budi).to_have_url(re.compile(re.escape(proposal_path) + "/receipt$"))
    expect(budi.locator("[data-proposal-status]")).to_have_attribute("data-proposal-status", "submitted")
    expect(budi.locator("code[data-content-hash]")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(budi.locator("[data-submitted-utc]")).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$"))
    expect(budi.locator("[data-submitted-local]")).to_have_text(
        re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d WITA \(Asia/Makassar\)$")
    )
    shoot(budi, "proposal-receipt")

    # 6. Before the deadline A sees only that the proposals are sealed: no count, no title.
    andi.goto(live_server.url + challenge_path)
    expect(andi.locator("#proposal-panel #sealed-notice")).to_be_visible()
    expect(andi.locator("#proposal-count")).to_have_count(0)
    accessibility.check(andi)
    andi.goto(live_server.url + challenge_path + "/proposals")
    expect(andi.locator("#sealed-notice")).to_contain_text("WITA")
    expect(andi.locator("tr[data-proposal-id]")).to_have_count(0)
    assert PROPOSAL_TITLE not in andi.content()
    assert INDUSTRY_NAME not in andi.content()
    shoot(andi, "proposals-sealed")

    # 7. No Content Security Policy violation on any page of any user (axe has checked each page on the way).
    assert not console.csp_violations(), "CSP violations in the console:\n" + "\n".join(console.csp_violations())
