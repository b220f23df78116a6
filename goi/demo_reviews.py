"""The review of two demo challenges, held through the review's services at the moments it would have happened.

The decided PJU challenge of Banjarmasin had a single-blind review in two rounds: a panel of a chair and two
reviewers (one of them detected as conflicted, another declaring a conflict), every proposal in round 1, a shortlist
of two presented in round 2, and the owner's decision, published as the results. The puskesmas challenge of Denpasar
is under review in an open round 1: some reviews are submitted, one is a draft, one is not started.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import g
from sqlalchemy import select

from goi.accounts.models import User
from goi.challenges import lifecycle
from goi.challenges.models import Challenge
from goi.core import clock
from goi.extensions import db
from goi.proposals.models import Proposal
from goi.reviews import conflicts, decisions, panel_admin, ranking, rounds, scoring
from goi.reviews.models import (
    Assignment,
    Blindness,
    ConflictKind,
    PanelMember,
    PanelRole,
    Recommendation,
)
from goi.reviews.scoring import ReviewInput

Decision = decisions.Decision


@dataclass
class DemoAssignment:
    """A reviewer's assignment to a proposal (by title) and what they wrote: nothing, a draft or a submitted review.

    Scores and comments follow the challenge's criteria in order; a draft's missing scores are None."""

    reviewer: str
    proposal: str
    scores: tuple[int | None, ...] = ()
    comments: tuple[str, ...] = ()
    recommendation: Recommendation | None = None
    confidence: int | None = None
    note: str = ""
    submit: bool = True


@dataclass
class DemoRound:
    name: str
    deadline: int  # days after the call closed
    reviews_per_proposal: int
    assignments: list[DemoAssignment]
    shortlist: list[str] = field(default_factory=list)
    locked: bool = True


@dataclass
class DemoReview:
    blindness: Blindness
    share_comments: bool
    chair: str
    reviewers: list[str]
    # Invited, not answered yet.
    invited: list[str] = field(default_factory=list)
    # (reviewer, proposal title, kind, note)
    declared: list[tuple[str, str, ConflictKind, str]] = field(default_factory=list)
    rounds: list[DemoRound] = field(default_factory=list)
    # (proposal title, decision, reason) on the last round's proposals; none while the review goes on.
    decisions: list[tuple[str, Decision, str]] = field(default_factory=list)
    summary: str = ""


R = Recommendation

PJU_REVIEW = DemoReview(
    blindness=Blindness.SINGLE_BLIND,
    share_comments=True,
    chair="wayan@unud.demo.goi.id",
    reviewers=["hendra@unsri.demo.goi.id", "ratna@energi.demo.goi.id"],
    declared=[
        (
            "ratna@energi.demo.goi.id",
            "PJU surya swakelola warga bantaran sungai",
            ConflictKind.PERSONAL,
            "Ketua komunitas pengusul adalah adik ipar saya.",
        )
    ],
    rounds=[
        DemoRound(
            name="Seleksi administrasi dan teknis",
            deadline=14,
            reviews_per_proposal=2,
            assignments=[
                DemoAssignment(
                    "hendra@unsri.demo.goi.id",
                    "PJU surya dengan LoRaWAN",
                    (5, 4, 5, 4),
                    (
                        "Menjawab langsung masalah tagihan listrik dan lampu padam yang tidak terlaporkan.",
                        "Tim sudah mengoperasikan jaringan LoRaWAN; jadwal 6 bulan masuk akal.",
                        "Penghematan energi sekitar 60% dan laporan gangguan otomatis.",
                        "Harga per titik wajar, tetapi rincian biaya penggantian baterai perlu dilengkapi.",
                    ),
                    R.ACCEPT,
                    3,
                    "Perlu dicek ketahanan panel surya terhadap banjir pasang.",
                ),
                DemoAssignment(
                    "ratna@energi.demo.goi.id",
                    "PJU surya dengan LoRaWAN",
                    (5, 5, 4, 4),
                    (
                        "Sangat sesuai dengan kebutuhan jalan lingkungan.",
                        "Spesifikasi baterai LiFePO4 dan pengendali sudah teruji di iklim tropis.",
                        "Dampak besar bila dashboard pemantauan dipakai dinas sehari-hari.",
                        "Biaya investasi di tengah rentang anggaran; biaya operasional rendah.",
                    ),
                    R.STRONG_ACCEPT,
                    4,
                ),
                DemoAssignment(
                    "wayan@unud.demo.goi.id",
                    "PJU surya dengan LoRaWAN",
                    (4, 4, 4, 3),
                    (
                        "Relevan dengan keluhan lampu padam di jalan lingkungan.",
                        "Rencana kerja jelas dan bertahap.",
                        "Perlu target jumlah titik yang terukur per kecamatan.",
                        "Biaya gateway dan langganan jaringan belum dirinci.",
                    ),
                    R.ACCEPT,
                    3,
                ),
                DemoAssignment(
                    "ratna@energi.demo.goi.id",
                    "Lampu jalan adaptif dengan sensor gerak",
                    (4, 4, 4, 4),
                    (
                        "Peredupan adaptif cocok untuk jalan lingkungan yang sepi di malam hari.",
                        "Sensor gerak sudah diuji di kampus; perlu uji di jalan umum.",
                        "Penghematan tambahan 20–30% di atas lampu LED biasa.",
                        "Anggaran sesuai, termasuk pelatihan teknisi dinas.",
                    ),
                    R.ACCEPT,
                    4,
                ),
                DemoAssignment(
                    "wayan@unud.demo.goi.id",
                    "Lampu jalan adaptif dengan sensor gerak",
                    (5, 3, 4, 3),
                    (
                        "Gagasan paling inovatif di antara usulan.",
                        "Tim riset kuat, tetapi pengalaman pengadaan dan pemasangan lapangan terbatas.",
                        "Bisa menjadi rujukan kota lain bila berhasil.",
                        "Biaya sensor per titik cukup tinggi.",
                    ),
                    R.WEAK_ACCEPT,
                    3,
                ),
                DemoAssignment(
                    "hendra@unsri.demo.goi.id",
                    "PJU surya swakelola warga bantaran sungai",
                    (4, 2, 3, 4),
                    (
                        "Melibatkan warga dalam perawatan, sesuai semangat tantangan.",
                        "Belum ada tenaga teknis bersertifikat untuk instalasi listrik.",
                        "Dampak sosial baik, cakupan titik masih kecil.",
                        "Murah karena swadaya, tetapi biaya perawatan jangka panjang belum jelas.",
                    ),
                    R.WEAK_REJECT,
                    3,
                ),
                DemoAssignment(
                    "wayan@unud.demo.goi.id",
                    "PJU surya swakelola warga bantaran sungai",
                    (3, 2, 3, 5),
                    (
                        "Cukup relevan untuk kampung yang belum terjangkau PJU.",
                        "Perlu mitra teknis untuk instalasi dan keselamatan listrik.",
                        "Terbatas pada dua kampung pada tahap awal.",
                        "Sangat hemat karena tenaga pemasangan swadaya.",
                    ),
                    R.WEAK_ACCEPT,
                    2,
                ),
                DemoAssignment(
                    "hendra@unsri.demo.goi.id",
                    "Aplikasi lapor lampu padam berbasis peta",
                    (2, 2, 2, 3),
                    (
                        "Hanya menjawab pelaporan, bukan penghematan energi.",
                        "Aplikasi serupa sudah ada di kanal pengaduan kota.",
                        "Dampak kecil tanpa perubahan perangkat PJU.",
                        "Biaya rendah.",
                    ),
                    R.REJECT,
                    3,
                    "Usulan ini lebih cocok digabung dengan kanal pengaduan yang ada.",
                ),
                DemoAssignment(
                    "ratna@energi.demo.goi.id",
                    "Aplikasi lapor lampu padam berbasis peta",
                    (4, 4, 3, 5),
                    (
                        "Laporan warga melengkapi pemantauan otomatis.",
                        "Purwarupa sudah berjalan dan mudah dipakai.",
                        "Mempercepat perbaikan lampu padam.",
                        "Sangat murah dan cepat diterapkan.",
                    ),
                    R.ACCEPT,
                    2,
                ),
            ],
            shortlist=["PJU surya dengan LoRaWAN", "Lampu jalan adaptif dengan sensor gerak"],
        ),
        DemoRound(
            name="Presentasi",
            deadline=24,
            reviews_per_proposal=2,
            assignments=[
                DemoAssignment(
                    "hendra@unsri.demo.goi.id",
                    "PJU surya dengan LoRaWAN",
                    (5, 5, 5, 4),
                    (
                        "Presentasi menunjukkan data uji coba 50 titik di kawasan industri.",
                        "Jawaban tim atas risiko banjir pasang meyakinkan: tiang ditinggikan 1,5 m.",
                        "Dashboard siap dipakai dinas sejak bulan pertama.",
                        "Rincian biaya baterai sudah dilengkapi.",
                    ),
                    R.STRONG_ACCEPT,
                    4,
                ),
                DemoAssignment(
                    "ratna@energi.demo.goi.id",
                    "PJU surya dengan LoRaWAN",
                    (5, 4, 5, 4),
                    (
                        "Tetap yang paling sesuai.",
                        "Jadwal pemasangan bergantung pada pengadaan tiang; perlu cadangan waktu.",
                        "Potensi perluasan ke seluruh kota.",
                        "Wajar.",
                    ),
                    R.STRONG_ACCEPT,
                    4,
                ),
                DemoAssignment(
                    "wayan@unud.demo.goi.id",
                    "PJU surya dengan LoRaWAN",
                    (5, 4, 4, 4),
                    (
                        "Sesuai dengan kebutuhan kota.",
                        "Siap dilaksanakan dengan tim dan pemasok yang sudah ada.",
                        "Laporan otomatis mempercepat perbaikan.",
                        "Sesuai pagu anggaran.",
                    ),
                    R.ACCEPT,
                    3,
                ),
                DemoAssignment(
                    "ratna@energi.demo.goi.id",
                    "Lampu jalan adaptif dengan sensor gerak",
                    (4, 3, 4, 3),
                    (
                        "Relevan sebagai tambahan pada PJU yang ada.",
                        "Demo sensor di ruang presentasi belum stabil.",
                        "Penghematan perlu dibuktikan di lapangan.",
                        "Biaya sensor masih tinggi.",
                    ),
                    R.WEAK_ACCEPT,
                    3,
                ),
                DemoAssignment(
                    "wayan@unud.demo.goi.id",
                    "Lampu jalan adaptif dengan sensor gerak",
                    (4, 4, 4, 3),
                    (
                        "Relevan sebagai peningkatan PJU yang sudah ada.",
                        "Tim menambahkan mitra pemasang berpengalaman.",
                        "Layak diuji di satu kawasan.",
                        "Biaya sensor bisa turun bila dibeli dalam jumlah besar.",
                    ),
                    R.ACCEPT,
                    3,
                ),
            ],
        ),
    ],
    decisions=[
        (
            "PJU surya dengan LoRaWAN",
            Decision.WINNER,
            "Solusi paling siap diterapkan, dengan biaya operasional terendah.",
        ),
        (
            "Lampu jalan adaptif dengan sensor gerak",
            Decision.RUNNER_UP,
            "Pendekatan adaptif yang menjanjikan; perlu uji lapangan lebih luas sebelum diterapkan.",
        ),
    ],
    summary="Tim juri menilai setiap usulan dengan kriteria berbobot yang diumumkan, dalam dua tahap: seleksi "
    "administrasi dan teknis, lalu presentasi. Pemenang diundang ke tahap uji coba lapangan bersama dinas terkait.",
)

PUSKESMAS_REVIEW = DemoReview(
    blindness=Blindness.OPEN,
    share_comments=False,
    chair="",
    reviewers=["hendra@unsri.demo.goi.id", "ratna@energi.demo.goi.id"],
    invited=["siti@unsri.demo.goi.id"],
    rounds=[
        DemoRound(
            name="Seleksi administrasi dan teknis",
            deadline=22,
            reviews_per_proposal=2,
            locked=False,
            assignments=[
                DemoAssignment(
                    "hendra@unsri.demo.goi.id",
                    "Antrean puskesmas lewat SMS dan WhatsApp",
                    (5, 4, 4, 4),
                    (
                        "Warga tanpa ponsel pintar tetap terlayani lewat SMS.",
                        "Integrasi dengan SIMPUS perlu dipastikan sejak awal.",
                        "Antrean pagi bisa berkurang hingga satu jam.",
                        "Biaya SMS gateway wajar.",
                    ),
                    R.ACCEPT,
                    3,
                ),
                DemoAssignment(
                    "ratna@energi.demo.goi.id",
                    "Antrean puskesmas lewat SMS dan WhatsApp",
                    (4, 4, 5, 3),
                    (
                        "Relevan untuk puskesmas dengan antrean panjang.",
                        "Tim berpengalaman dengan layanan kesehatan.",
                        "Dampak besar bagi lansia.",
                        "Biaya langganan WhatsApp Business perlu dihitung ulang.",
                    ),
                    R.ACCEPT,
                    2,
                ),
                DemoAssignment(
                    "hendra@unsri.demo.goi.id",
                    "Kios antrean di kantor desa",
                    (3, 3, 3, 4),
                    (
                        "Membantu desa yang jauh dari puskesmas.",
                        "Perawatan kios di desa belum direncanakan.",
                        "Dampak terbatas pada desa yang memiliki kios.",
                        "Murah.",
                    ),
                    R.WEAK_ACCEPT,
                    3,
                ),
                DemoAssignment(
                    "ratna@energi.demo.goi.id",
                    "Kios antrean di kantor desa",
                    (4, None, None, None),
                    ("Gagasan sederhana yang cocok untuk desa.", "", "", ""),
                    submit=False,
                ),
                DemoAssignment("hendra@unsri.demo.goi.id", "Relawan pendamping antrean untuk lansia"),
                DemoAssignment(
                    "ratna@energi.demo.goi.id",
                    "Relawan pendamping antrean untuk lansia",
                    (4, 3, 4, 5),
                    (
                        "Menjawab kesulitan lansia di antrean.",
                        "Bergantung pada ketersediaan relawan.",
                        "Baik bila digabung dengan antrean daring.",
                        "Hampir tanpa biaya.",
                    ),
                    R.WEAK_ACCEPT,
                    3,
                ),
            ],
        )
    ],
)

REVIEWS = {"demo-banjarmasin-pju-pintar": PJU_REVIEW, "demo-denpasar-antrean-puskesmas": PUSKESMAS_REVIEW}


@contextmanager
def _at(moment: datetime) -> Iterator[None]:
    """Act at moment, with the review's per-request answers read afresh (the whole demo is one request)."""
    g.pop("review_panel", None)
    clock.freeze(moment)
    try:
        yield
    finally:
        clock.reset()
        g.pop("review_panel", None)


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _proposals(challenge: Challenge) -> dict[str, Proposal]:
    return {
        proposal.title: proposal for proposal in db.session.scalars(select(Proposal).filter_by(challenge=challenge))
    }


def hold_review(spec: DemoReview, challenge: Challenge, owner: User, closes_at: datetime) -> None:
    """The review of a challenge whose call closed at closes_at (23.59 local time), through the services, each step
    at its hour of a working day counted from the closing day."""
    midnight = closes_at - timedelta(hours=23, minutes=59)

    def day(number: int, hour: int) -> datetime:
        return midnight + timedelta(days=number, hours=hour)

    proposals = _proposals(challenge)
    members: dict[str, PanelMember] = {}
    accepting = [spec.chair, *spec.reviewers] if spec.chair else list(spec.reviewers)
    # The panel is invited a week before the deadline and answers the next day.
    with _at(day(-7, 9)):
        panel_list = [(spec.chair, PanelRole.CHAIR)] if spec.chair else []
        panel_list += [(email, PanelRole.REVIEWER) for email in spec.reviewers + spec.invited]
        for email, role in panel_list:
            members[email] = panel_admin.invite(owner, challenge, email, role, max_load=None)
    with _at(day(-6, 10)):
        for email in accepting:
            panel_admin.accept(_user(email), members[email])
        for email, title, kind, note in spec.declared:
            conflicts.declare(_user(email), proposals[title], kind, note)
    with _at(day(1, 8)):
        lifecycle.close_expired_challenges()
        decisions.save_settings(
            owner,
            challenge,
            decisions.SettingsValues(
                spec.blindness, min_reviews=2, disagreement_spread=25, share_comments=spec.share_comments
            ),
        )
    # The chair, if any, assigns the reviews; the owner runs the rounds.
    assigner = _user(spec.chair) if spec.chair else owner
    criteria = list(challenge.criteria)
    start = 1
    for number, spec_round in enumerate(spec.rounds, start=1):
        values = rounds.RoundValues(
            spec_round.name, closes_at + timedelta(days=spec_round.deadline), spec_round.reviews_per_proposal
        )
        with _at(day(start, 10)):
            if number == 1:
                review_round = rounds.create_first_round(owner, challenge, values)
            else:
                review_round = rounds.advance(owner, challenge, values)
        with _at(day(start, 11)):
            for item in spec_round.assignments:
                rounds.assign(assigner, review_round, proposals[item.proposal].id, members[item.reviewer].id)
        # One review a day from the second day on, the last ones on the day of the deadline.
        for offset, item in enumerate(spec_round.assignments, start=2):
            if not item.scores:
                continue
            with _at(day(min(start + offset, spec_round.deadline), 9 + offset % 6)):
                assignment = db.session.scalar(
                    select(Assignment).where(
                        Assignment.round_id == review_round.id,
                        Assignment.proposal_id == proposals[item.proposal].id,
                        Assignment.member_id == members[item.reviewer].id,
                    )
                )
                written = ReviewInput(
                    scores={c.id: s for c, s in zip(criteria, item.scores, strict=True)},
                    comments={c.id: text for c, text in zip(criteria, item.comments, strict=True)},
                    recommendation=item.recommendation,
                    confidence=item.confidence,
                    panel_note=item.note,
                )
                scoring.save_review(_user(item.reviewer), assignment, written, submit=item.submit)
        if not spec_round.locked:
            return
        # The morning after the deadline: the shortlist and the lock; the next round starts the same day.
        start = spec_round.deadline + 1
        with _at(day(start, 9)):
            shortlist = [proposals[title].id for title in spec_round.shortlist]
            if shortlist:
                ranking.set_shortlist(owner, review_round, shortlist)
            rounds.lock_round(owner, review_round)
    if spec.decisions:
        with _at(day(start + 2, 10)):
            choices = [
                decisions.DecisionChoice(proposals[title].id, decision, reason)
                for title, decision, reason in spec.decisions
            ]
            decisions.decide(owner, challenge, spec.summary, choices)
