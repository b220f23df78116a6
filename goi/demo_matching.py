"""Demo matching profiles (issue 12): what the demo's solvers, investors and reviewers know and seek, their past
projects that count for matching, and offers and requests on the marketplace. Loaded once, after the demo's
organizations and people."""

from datetime import timedelta

from sqlalchemy import select

from goi.accounts.models import User
from goi.core import clock
from goi.extensions import db
from goi.orgs.models import Offer, OfferKind, Organization, PastProject

MARKER_PROJECT = "Pemantauan kualitas air baku IPA PDAM Tirta Musi"

# Per organization slug: the profile's columns (comma-separated, codes for sectors and regions) and past projects
# as (title, year, client, description).
ORGANIZATION_PROFILES = {
    "pt-air-nusantara-teknologi": {
        "expertise": "sensor IoT kualitas air, deteksi kebocoran pipa, telemetri SCADA, peringatan dini banjir, "
        "water quality monitoring",
        "seeking": "PDAM mitra uji coba, pemerintah daerah rawan banjir, pendanaan seri A",
        "sectors": "water, safety, telecommunication",
        "regions_served": "31, 16, 63.71, 51",
        "trl": 7,
        "languages": "id, en",
        "projects": [
            (
                MARKER_PROJECT,
                2025,
                "PDAM Tirta Musi Palembang",
                "Dua belas sensor kekeruhan, pH dan klorin di intake Sungai Musi, data tiap lima menit ke dasbor "
                "operator; penyesuaian dosis koagulan lebih cepat saat banjir kiriman.",
            ),
            (
                "Deteksi kebocoran pipa distribusi dengan sensor akustik",
                2024,
                "Perumda Air Minum Kota Banjarmasin",
                "Uji coba di tiga zona DMA: kehilangan air turun dari 38% ke 29% dalam enam bulan.",
            ),
        ],
    },
    "universitas-sriwijaya-demo": {
        "expertise": "hidrologi rawa, pemodelan banjir, drainase perkotaan, perencanaan wilayah, GIS",
        "seeking": "data muka air dari pemerintah daerah, mitra industri sensor, hibah riset terapan",
        "sectors": "water, urban-planning, environment",
        "regions_served": "16, 16.71, 16.07, 16.10",
        "trl": 5,
        "languages": "id, en",
        "projects": [
            (
                "Model genangan DAS Sungai Musi untuk rencana drainase kota",
                2023,
                "Bappeda Kota Palembang",
                "Model hidrodinamika 1D/2D dan peta genangan periode ulang 5, 25 dan 50 tahun sebagai dasar "
                "rencana induk drainase.",
            ),
        ],
    },
    "universitas-udayana-demo": {
        "expertise": "teknik lingkungan, pengelolaan sampah berbasis desa adat, pariwisata berkelanjutan, "
        "waste-to-energy",
        "seeking": "pemerintah kabupaten/kota untuk riset aksi, mitra teknologi pemilahan sampah",
        "sectors": "waste, environment, culture",
        "regions_served": "51, 51.71, 51.03, 51.04",
        "trl": 6,
        "languages": "id, en",
        "projects": [
            (
                "TPS3R desa adat di Kabupaten Gianyar",
                2024,
                "Dinas Lingkungan Hidup Kabupaten Gianyar",
                "Pendampingan tiga desa adat memilah sampah dari sumber; 60% sampah organik diolah menjadi kompos.",
            ),
            (
                "Kajian timbulan sampah hotel di kawasan Kuta",
                2022,
                "PHRI Badung",
                "Audit sampah 40 hotel dan rekomendasi rantai pasok guna ulang untuk amenitas kamar.",
            ),
        ],
    },
    "komunitas-peduli-sungai-musi": {
        "expertise": "bank sampah, pemantauan kualitas air warga, edukasi lingkungan, pelibatan warga bantaran",
        "seeking": "mitra teknis sensor murah, pendanaan CSR, dukungan dinas lingkungan hidup",
        "sectors": "waste, environment, water",
        "regions_served": "16.71",
        "trl": None,
        "languages": "id",
        "projects": [
            (
                "Bank sampah bantaran Sungai Musi",
                2024,
                "Kelurahan 1 Ulu, Palembang",
                "Lima unit bank sampah dikelola warga; 12 ton plastik terkumpul dalam setahun.",
            ),
        ],
    },
    "modal-ventura-nusantara": {
        "expertise": "pendanaan tahap awal, kota cerdas, infrastruktur hijau, early-stage investment, blended finance",
        "seeking": "startup govtech dan climate tech dengan pelanggan pemerintah daerah",
        "sectors": "energy, water, governance, transportation",
        "regions_served": "31, 16, 51, 63, 73",
        "trl": 7,
        "languages": "id, en",
        "projects": [
            (
                "Pendanaan awal platform pelaporan warga",
                2023,
                "Startup govtech portofolio",
                "Investasi Rp 3 miliar dan pendampingan pengadaan untuk layanan di 11 kota.",
            ),
        ],
    },
}

# Per email of a demo reviewer: (seeking, sectors, regions served, TRL, languages, past projects).
REVIEWER_PROFILES = {
    "siti@unsri.demo.goi.id": (
        "kolaborasi riset banjir dengan pemerintah daerah, data curah hujan",
        "water, urban-planning",
        "16, 63",
        5,
        "id,en",
        [
            (
                "Kajian kanal dan kolam retensi Kota Banjarmasin",
                2022,
                "Dinas PUPR Kota Banjarmasin",
                "Analisis kapasitas kanal terhadap pasang surut dan rekomendasi lokasi kolam retensi.",
            )
        ],
    ),
    "wayan@unud.demo.goi.id": (
        "panel penilai tantangan persampahan, mitra riset waste-to-energy",
        "waste, energy, environment",
        "51",
        6,
        "id,en",
        [
            (
                "Studi kelayakan PLTSa skala kecil di Bali",
                2023,
                "Pemerintah Provinsi Bali",
                "Kajian teknis dan finansial pengolahan sampah menjadi energi untuk TPA Suwung.",
            )
        ],
    ),
    "hendra@unsri.demo.goi.id": (
        "uji lapangan penerangan jalan pintar, mitra industri elektronika daya",
        "energy, telecommunication",
        "16, 16.71",
        6,
        "id",
        [
            (
                "Purwarupa lampu jalan adaptif berbasis sensor gerak",
                2024,
                "Laboratorium Sistem Tenaga Unsri",
                "Lampu jalan LED yang meredup saat sepi; hemat energi 45% pada uji 20 titik di kampus.",
            )
        ],
    ),
    "ratna@energi.demo.goi.id": (
        "penilaian proyek energi terbarukan pemerintah daerah, audit energi gedung publik",
        "energy",
        "63, 16, 51",
        8,
        "id,en",
        [
            (
                "Audit energi penerangan jalan umum Kota Banjarbaru",
                2023,
                "Dinas Perhubungan Kota Banjarbaru",
                "Inventarisasi 6.000 titik PJU dan rencana penggantian ke LED dengan skema KPBU.",
            ),
            (
                "PLTS atap kantor pemerintahan",
                2022,
                "Pemerintah Provinsi Kalimantan Selatan",
                "Desain dan pengawasan PLTS atap 150 kWp di tiga gedung kantor.",
            ),
        ],
    ),
}

# (organization slug, kind, title, description, sector, province code, regency code, days until it expires)
OFFERS = [
    (
        "pt-air-nusantara-teknologi",
        OfferKind.TECHNOLOGY_OFFER,
        "Sensor IoT kualitas air untuk jaringan PDAM",
        "Sensor kekeruhan, pH, klorin dan tekanan dengan dasbor operator; bisa disewa per titik untuk uji coba "
        "tiga bulan.",
        "water",
        None,
        None,
        120,
    ),
    (
        "pt-air-nusantara-teknologi",
        OfferKind.PARTNERSHIP_REQUEST,
        "Mencari pemerintah daerah mitra uji coba deteksi kebocoran pipa",
        "Kami mencari kota atau kabupaten di Sumatera Selatan dengan tingkat kehilangan air di atas 30% untuk "
        "uji coba bersama PDAM-nya.",
        "water",
        "16",
        None,
        200,
    ),
    (
        "universitas-sriwijaya-demo",
        OfferKind.TECHNOLOGY_OFFER,
        "Model hidrologi rawa untuk peringatan dini banjir",
        "Model genangan yang dikalibrasi dengan data muka air Sungai Musi, siap dihubungkan ke sensor daerah.",
        "water",
        "16",
        "16.71",
        180,
    ),
    (
        "universitas-udayana-demo",
        OfferKind.TECHNOLOGY_REQUEST,
        "Teknologi pemilahan sampah otomatis untuk TPS3R desa adat",
        "Kami mencari mesin pemilah sampah plastik dan organik berkapasitas 2–5 ton per hari untuk riset aksi "
        "bersama desa adat.",
        "waste",
        "51",
        None,
        150,
    ),
    (
        "komunitas-peduli-sungai-musi",
        OfferKind.PARTNERSHIP_REQUEST,
        "Mitra pendanaan dan teknis bank sampah bantaran Sungai Musi",
        "Lima bank sampah warga membutuhkan timbangan digital, aplikasi pencatatan dan pembeli plastik tetap.",
        "waste",
        "16",
        "16.71",
        100,
    ),
    (
        "modal-ventura-nusantara",
        OfferKind.INVESTMENT_OFFER,
        "Pendanaan tahap awal untuk solusi kota cerdas",
        "Investasi Rp 500 juta–2 miliar untuk startup dengan pelanggan pemerintah daerah. "
        "We also co-invest with foreign funds; pitch decks in English are welcome.",
        "governance",
        None,
        None,
        270,
    ),
    (
        "modal-ventura-nusantara",
        OfferKind.INVESTMENT_OFFER,
        "Pembiayaan infrastruktur hijau: PLTS atap dan PJU surya",
        "Skema sewa guna usaha untuk pemerintah daerah dan BUMD, dibayar dari penghematan energi.",
        "energy",
        None,
        None,
        240,
    ),
    (
        "pemkot-denpasar",
        OfferKind.TECHNOLOGY_REQUEST,
        "Sistem antrean daring terintegrasi untuk puskesmas",
        "Dinas Kesehatan Kota Denpasar mencari sistem antrean yang terhubung ke aplikasi SATUSEHAT dan kanal WhatsApp.",
        "health",
        "51",
        "51.71",
        95,
    ),
]


def _projects(owner: dict, projects: list[tuple[str, int, str, str]]) -> list[PastProject]:
    return [
        PastProject(title=title, year=year, client=client, description=description, counts_for_matching=True, **owner)
        for title, year, client, description in projects
    ]


def load_demo_matching() -> bool:
    """Give the demo's organizations and reviewers their matching profiles and add the demo offers, unless done
    already; True when something was created."""
    if db.session.scalar(select(PastProject.id).where(PastProject.title == MARKER_PROJECT)) is not None:
        return False
    organizations = {
        organization.slug: organization
        for organization in db.session.scalars(select(Organization).where(Organization.slug.in_(ORGANIZATION_PROFILES)))
    }
    for slug, spec in ORGANIZATION_PROFILES.items():
        organization = organizations[slug]
        for column in ("expertise", "seeking", "sectors", "regions_served", "trl", "languages"):
            setattr(organization, column, spec[column])
        db.session.add_all(_projects({"organization_id": organization.id}, spec["projects"]))
    users = {user.email: user for user in db.session.scalars(select(User).where(User.email.in_(REVIEWER_PROFILES)))}
    for email, (seeking, sectors, regions_served, trl, languages, projects) in REVIEWER_PROFILES.items():
        user = users[email]
        user.seeking, user.sectors, user.regions_served = seeking, sectors, regions_served
        user.trl, user.languages = trl, languages
        db.session.add_all(_projects({"user_id": user.id}, projects))
    today = clock.now().date()
    for slug, kind, title, description, sector, province_code, regency_code, days in OFFERS:
        organization = db.session.scalar(select(Organization).where(Organization.slug == slug))
        db.session.add(
            Offer(
                organization_id=organization.id,
                created_by_id=organization.memberships[0].user_id,
                kind=kind,
                title=title,
                description=description,
                sector=sector,
                province_code=province_code,
                regency_code=regency_code,
                expires_on=today + timedelta(days=days),
            )
        )
    db.session.flush()
    return True
