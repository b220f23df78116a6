"""Demo challenges in every state, with proposals and questions, built through the real services."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from goi import demo_reviews
from goi.accounts.models import User
from goi.challenges import following, lifecycle, questions
from goi.challenges import services as challenges
from goi.challenges.models import Challenge, ChallengeOutcome, ChallengeStatus
from goi.core import clock
from goi.data import regions
from goi.extensions import db
from goi.orgs.models import Organization
from goi.proposals import services as proposals
from goi.proposals import submission
from goi.reviews import services as reviews
from goi.reviews.models import AwardLabel

MARKER_REF = "demo-palembang-banjir-musi"
ALL_SOLVERS = ["industry", "academia", "community", "citizen", "investor"]


@dataclass
class DemoChallenge:
    ref: str
    org: str
    title: str
    summary: str
    problem: str
    sector: str
    dimension: str
    sdgs: list[int]
    regency: str
    state: ChallengeStatus
    # Days from now: negative is in the past.
    opens: int
    closes: int
    budget: tuple[int | None, int | None] = (None, None)
    trl: int | None = None
    eligible: list[str] = field(default_factory=lambda: list(ALL_SOLVERS))
    sealed: bool = True
    metro: str | None = None
    # (lead email, organization slug or None, title, submit?)
    proposals: list[tuple[str, str | None, str, bool]] = field(default_factory=list)


DEMO_CHALLENGES = [
    DemoChallenge(
        ref=MARKER_REF,
        org="pemkot-palembang",
        title="Sistem peringatan dini banjir di DAS Sungai Musi",
        summary="Sensor muka air dan curah hujan yang memberi peringatan dini banjir kepada warga bantaran "
        "Sungai Musi.",
        problem="Setiap musim hujan, permukiman di bantaran **Sungai Musi** dan anak-anak sungainya tergenang. "
        "Peringatan datang terlambat karena data muka air masih dicatat manual.\n\n"
        "- 14 kelurahan rawan banjir\n- waktu tanggap rata-rata lebih dari 6 jam",
        sector="water",
        dimension="environment",
        sdgs=[6, 11, 13],
        regency="16.71",
        metro="patungraya-agung",
        state=ChallengeStatus.PUBLISHED,
        opens=-10,
        closes=21,
        budget=(750_000_000, 1_500_000_000),
        trl=6,
        eligible=["industry", "academia", "community"],
        proposals=[
            ("budi@airnusantara.demo.goi.id", "pt-air-nusantara-teknologi", "Jaringan sensor IoT muka air Musi", True),
            (
                "siti@unsri.demo.goi.id",
                "universitas-sriwijaya-demo",
                "Model hidrologi rawa untuk peringatan dini",
                False,
            ),
        ],
    ),
    DemoChallenge(
        ref="demo-sarbagita-sampah-plastik",
        org="pemkot-denpasar",
        title="Pengurangan sampah plastik sekali pakai di kawasan wisata Sarbagita",
        summary="Rantai pasok guna ulang untuk hotel, restoran dan pasar di Denpasar dan sekitarnya.",
        problem="Sampah plastik dari kawasan wisata membebani TPA Suwung. Kami mencari solusi guna ulang yang "
        "dapat dijalankan desa adat dan pelaku usaha.",
        sector="waste",
        dimension="environment",
        sdgs=[11, 12, 14],
        regency="51.71",
        metro="sarbagita",
        state=ChallengeStatus.PUBLISHED,
        opens=-20,
        closes=2,
        budget=(250_000_000, 600_000_000),
        trl=7,
        sealed=False,
        proposals=[
            ("fajar@musi.demo.goi.id", "komunitas-peduli-sungai-musi", "Bank sampah guna ulang desa adat", True)
        ],
    ),
    DemoChallenge(
        ref="demo-banjarmasin-air-bersih",
        org="pemkot-banjarmasin",
        title="Air bersih untuk permukiman bantaran sungai",
        summary="Pengolahan air sungai skala kampung untuk rumah lanting dan permukiman tepian.",
        problem="Sebagian warga tepian sungai belum terlayani jaringan perpipaan PDAM.",
        sector="water",
        dimension="living",
        sdgs=[6],
        regency="63.71",
        metro="banjarbakula",
        state=ChallengeStatus.DRAFT,
        opens=5,
        closes=45,
        budget=(500_000_000, 900_000_000),
    ),
    DemoChallenge(
        ref="demo-palembang-rute-transmusi",
        org="pemkot-palembang",
        title="Optimalisasi rute angkutan umum Transmusi dan feeder LRT",
        summary="Data perjalanan untuk menata ulang rute bus dan angkutan pengumpan LRT Sumsel.",
        problem="Okupansi bus rendah di beberapa koridor sementara kemacetan di pusat kota meningkat.",
        sector="transportation",
        dimension="living",
        sdgs=[9, 11],
        regency="16.71",
        state=ChallengeStatus.CLOSED,
        opens=-40,
        closes=-3,
        budget=(300_000_000, 700_000_000),
        proposals=[
            ("budi@airnusantara.demo.goi.id", "pt-air-nusantara-teknologi", "Analitik data tap-in untuk rute", True),
            ("siti@unsri.demo.goi.id", "universitas-sriwijaya-demo", "Model permintaan perjalanan Palembang", True),
        ],
    ),
    DemoChallenge(
        ref="demo-denpasar-antrean-puskesmas",
        org="pemkot-denpasar",
        title="Antrean layanan puskesmas secara digital",
        summary="Pendaftaran dan antrean daring yang juga melayani warga tanpa ponsel pintar.",
        problem="Antrean pagi di puskesmas mencapai dua jam.",
        sector="health",
        dimension="society",
        sdgs=[3],
        regency="51.71",
        state=ChallengeStatus.UNDER_REVIEW,
        opens=-60,
        closes=-15,
        budget=(150_000_000, 400_000_000),
        proposals=[
            ("wayan@unud.demo.goi.id", "universitas-udayana-demo", "Antrean puskesmas lewat SMS dan WhatsApp", True),
            ("warga@demo.goi.id", None, "Kios antrean di kantor desa", True),
            ("fajar@musi.demo.goi.id", "komunitas-peduli-sungai-musi", "Relawan pendamping antrean untuk lansia", True),
        ],
    ),
    DemoChallenge(
        ref="demo-banjarmasin-pju-pintar",
        org="pemkot-banjarmasin",
        title="Penerangan jalan umum (PJU) pintar hemat energi",
        summary="PJU tenaga surya dengan pemantauan jarak jauh untuk jalan lingkungan.",
        problem="Tagihan listrik PJU tinggi dan banyak lampu padam tanpa terlaporkan.",
        sector="energy",
        dimension="environment",
        sdgs=[7, 11],
        regency="63.71",
        state=ChallengeStatus.DECIDED,
        opens=-120,
        closes=-60,
        budget=(1_000_000_000, 2_000_000_000),
        proposals=[
            ("budi@airnusantara.demo.goi.id", "pt-air-nusantara-teknologi", "PJU surya dengan LoRaWAN", True),
            ("siti@unsri.demo.goi.id", "universitas-sriwijaya-demo", "Lampu jalan adaptif dengan sensor gerak", True),
            (
                "fajar@musi.demo.goi.id",
                "komunitas-peduli-sungai-musi",
                "PJU surya swakelola warga bantaran sungai",
                True,
            ),
            ("warga@demo.goi.id", None, "Aplikasi lapor lampu padam berbasis peta", True),
        ],
    ),
    DemoChallenge(
        ref="demo-palembang-perizinan-umkm",
        org="pemkot-palembang",
        title="Digitalisasi perizinan UMKM",
        summary="Perizinan usaha mikro dalam satu hari, terhubung dengan OSS.",
        problem="Pelaku UMKM datang berulang kali untuk melengkapi berkas.",
        sector="economy",
        dimension="economy",
        sdgs=[8],
        regency="16.71",
        state=ChallengeStatus.ARCHIVED,
        opens=-300,
        closes=-240,
    ),
    DemoChallenge(
        ref="demo-denpasar-parkir-renon",
        org="pemkot-denpasar",
        title="Parkir elektronik kawasan Renon",
        summary="Pembayaran parkir non-tunai di kawasan perkantoran Renon.",
        problem="Kebocoran retribusi parkir.",
        sector="transportation",
        dimension="governance",
        sdgs=[11, 16],
        regency="51.71",
        state=ChallengeStatus.CANCELLED,
        opens=-30,
        closes=30,
    ),
]

# What the proposals the demo's reviews read (and /solutions shows) say they offer.
_SUMMARIES = {
    "Antrean puskesmas lewat SMS dan WhatsApp": "Nomor antrean diambil dari rumah lewat SMS atau WhatsApp, dengan "
    "pengingat saat giliran mendekat, sehingga warga tanpa ponsel pintar tetap terlayani.",
    "Kios antrean di kantor desa": "Kios layar sentuh di kantor desa tempat warga mengambil nomor antrean puskesmas "
    "dengan bantuan perangkat desa.",
    "Relawan pendamping antrean untuk lansia": "Relawan komunitas yang mendaftarkan dan mendampingi warga lanjut usia "
    "di puskesmas pada jam sibuk pagi.",
    "PJU surya dengan LoRaWAN": "Lampu jalan tenaga surya dengan baterai LiFePO4 yang melapor lewat jaringan LoRaWAN: "
    "lampu padam dan baterai lemah terlihat di dashboard dinas tanpa menunggu laporan warga.",
    "Lampu jalan adaptif dengan sensor gerak": "Lampu LED yang meredup saat jalan sepi dan menyala penuh saat ada "
    "pejalan kaki atau kendaraan, dengan pengendali yang dikembangkan laboratorium kampus.",
    "PJU surya swakelola warga bantaran sungai": "PJU surya yang dipasang dan dirawat kelompok warga bantaran sungai, "
    "dengan pelatihan perawatan dan kas perawatan bersama.",
    "Aplikasi lapor lampu padam berbasis peta": "Aplikasi peta tempat warga melaporkan lampu padam dengan foto dan "
    "lokasi, diteruskan ke petugas pemeliharaan.",
}

_SECTION_TEXT = "Kami menjawab kriteria ini dengan uji coba lapangan, data terbuka dan pelibatan warga."


def _organization(slug: str) -> Organization:
    return db.session.scalar(select(Organization).where(Organization.slug == slug))


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _local_time(moment: datetime, zone: ZoneInfo, hour: int, minute: int) -> datetime:
    """moment's day in zone at hour:minute, in UTC."""
    local = moment.astimezone(zone).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return local.astimezone(UTC)


def _build(spec: DemoChallenge, now: datetime) -> None:
    owner_org = _organization(spec.org)
    owner = owner_org.memberships[0].user
    # Deadlines as an owner sets them: a call opens at 08.00 and closes at 23.59, local time of the region.
    zone = ZoneInfo(regions.timezone_for(spec.regency.split(".")[0], spec.regency))
    opens_at = _local_time(now + timedelta(days=spec.opens), zone, hour=8, minute=0)
    closes_at = _local_time(now + timedelta(days=spec.closes), zone, hour=23, minute=59)
    # Build each challenge at a moment when it was open, so that proposals go through the real deadline checks.
    clock.freeze(min(now, opens_at + timedelta(hours=1)))
    try:
        challenge = challenges.create_challenge(
            owner,
            owner_org,
            {
                "ref": spec.ref,
                "title": spec.title,
                "summary": spec.summary,
                "problem": spec.problem,
                "context": "Data pendukung tersedia di portal data terbuka daerah.",
                "outcomes": "Purwarupa yang diuji di lapangan dan rencana perluasan.",
                "sector": spec.sector,
                "dimension": spec.dimension,
                "sdgs": spec.sdgs,
                "province_code": spec.regency.split(".")[0],
                "regency_code": spec.regency,
                "metro_code": spec.metro,
                "budget_min": spec.budget[0],
                "budget_max": spec.budget[1],
                "trl": spec.trl,
                "eligible_kinds": spec.eligible,
                "is_sealed": spec.sealed,
                "opens_at": opens_at,
                "closes_at": closes_at,
                "review_until": closes_at + timedelta(days=21),
                "decision_at": closes_at + timedelta(days=30),
            },
        )
        if spec.state == ChallengeStatus.DRAFT:
            return
        lifecycle.publish(owner, challenge)
        for lead_email, org_slug, title, submit in spec.proposals:
            lead = _user(lead_email)
            proposal = proposals.start_proposal(lead, challenge, _organization(org_slug) if org_slug else None, title)
            proposals.update_proposal(
                lead,
                proposal,
                {
                    "title": title,
                    "summary": _SUMMARIES.get(title, f"{title}: ringkasan usulan."),
                    "approach": "Pendekatan **bertahap**: survei, purwarupa, uji coba, perluasan.",
                    "workplan": "1. Bulan 1–2: survei\n2. Bulan 3–5: purwarupa\n3. Bulan 6: evaluasi",
                    "team_roles": "Ketua tim, insinyur lapangan, analis data",
                    "budget_estimate": spec.budget[0] or 200_000_000,
                    "trl": 6,
                    "sections": {criterion.id: _SECTION_TEXT for criterion in challenge.criteria},
                },
            )
            if submit:
                submission.submit_proposal(lead, proposal)
        if spec.ref == MARKER_REF:
            asker = _user("warga@demo.goi.id")
            public = questions.ask_question(asker, challenge, "Apakah data muka air historis dapat diakses peserta?")
            questions.answer_question(
                owner,
                public,
                "Ya. Data 2015–2025 dari BBWS Sumatera VIII tersedia di portal Satu Data Kota Palembang.",
                publish=True,
            )
            questions.ask_question(
                _user("lina@modalnusantara.demo.goi.id"), challenge, "Bolehkah investor menjadi mitra konsorsium?"
            )
            following.follow(asker, challenge)
        if spec.state == ChallengeStatus.CANCELLED:
            lifecycle.cancel(owner, challenge, "Anggaran dialihkan untuk penanganan bencana banjir.")
            return
        if spec.state == ChallengeStatus.PUBLISHED:
            return
    finally:
        clock.reset()
    review = demo_reviews.REVIEWS.get(spec.ref)
    if review is not None:
        # Its panel, rounds, reviews and decision, each on its day (the review moves the challenge on).
        demo_reviews.hold_review(review, challenge, owner, closes_at)
        return
    lifecycle.close_expired_challenges()
    if spec.state in (ChallengeStatus.UNDER_REVIEW, ChallengeStatus.DECIDED, ChallengeStatus.ARCHIVED):
        lifecycle.start_review(owner, challenge)
    if spec.state in (ChallengeStatus.DECIDED, ChallengeStatus.ARCHIVED):
        lifecycle.decide(owner, challenge, ChallengeOutcome.AWARDED if spec.proposals else ChallengeOutcome.NOT_AWARDED)
        # Results are published while the challenge is decided, so an archived one has them from before.
        _publish_results(owner, challenge)
    if spec.state == ChallengeStatus.ARCHIVED:
        lifecycle.archive(owner, challenge)


def _publish_results(owner: User, challenge: Challenge) -> None:
    """The first submitted proposal wins and the others are shortlisted; a challenge not awarded names none."""
    entries = []
    if challenge.outcome == ChallengeOutcome.AWARDED:
        for number, proposal in enumerate(reviews.eligible_proposals(challenge)):
            award = AwardLabel.WINNER if number == 0 else AwardLabel.SHORTLISTED
            citation = "Solusi paling siap diterapkan, dengan biaya operasional terendah." if number == 0 else ""
            entries.append(reviews.EntryChoice(proposal.id, award, citation))
        summary = (
            "Tim juri menilai setiap usulan dengan kriteria berbobot yang diumumkan. "
            "Pemenang diundang ke tahap uji coba lapangan bersama dinas terkait."
        )
    else:
        summary = "Tidak ada usulan yang masuk, sehingga tantangan ini ditutup tanpa pemenang."
    reviews.publish_results(owner, challenge, summary, entries)


def load_demo_challenges() -> bool:
    """Create the demo challenges unless they exist; True when something was created."""
    if db.session.scalar(select(Challenge.id).where(Challenge.ref == MARKER_REF)) is not None:
        return False
    now = clock.now()
    # Invitation and notification links are built with url_for, which needs a request outside the web server.
    with current_app.test_request_context("/"):
        for spec in DEMO_CHALLENGES:
            _build(spec, now)
            db.session.flush()
    return True
