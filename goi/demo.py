"""Demo organizations and users, loaded once by `flask goi seed-demo`."""

import secrets

from sqlalchemy import select

from goi.accounts.models import User
from goi.core import clock
from goi.core.html import render_markdown
from goi.core.storage import upload_root
from goi.extensions import db
from goi.orgs.models import (
    GovernmentKind,
    MemberRole,
    Membership,
    Organization,
    OrgKind,
    VerificationRequest,
)

DEMO_PASSWORD = "goi-demo-2026"  # noqa: S105 (public demo logins, listed in the README)
DEMO_MARKER = "admin@demo.goi.id"

DEMO_USERS = [
    {"email": "admin@demo.goi.id", "name": "Admin Platform GOI", "role": "platform admin"},
    {"email": "dina@palembang.demo.goi.id", "name": "Dina Marlina", "role": "owner, Pemerintah Kota Palembang"},
    {"email": "made@denpasar.demo.goi.id", "name": "I Made Wirawan", "role": "owner, Pemerintah Kota Denpasar"},
    {"email": "rina@banjarmasin.demo.goi.id", "name": "Rina Handayani", "role": "owner, Pemerintah Kota Banjarmasin"},
    {
        "email": "andi@makassar.demo.goi.id",
        "name": "Andi Pratama",
        "role": "owner, Pemerintah Kota Makassar (awaiting verification)",
    },
    {"email": "budi@airnusantara.demo.goi.id", "name": "Budi Santoso", "role": "owner, PT Air Nusantara Teknologi"},
    {"email": "yoga@airnusantara.demo.goi.id", "name": "Yoga Saputra", "role": "member, PT Air Nusantara Teknologi"},
    {"email": "siti@unsri.demo.goi.id", "name": "Dr. Siti Rahmawati", "role": "owner, Universitas Sriwijaya (demo)"},
    {
        "email": "wayan@unud.demo.goi.id",
        "name": "Prof. I Wayan Sudarma",
        "role": "admin, Universitas Udayana (demo); review chair (PJU Banjarmasin)",
    },
    {
        "email": "hendra@unsri.demo.goi.id",
        "name": "Dr. Hendra Gunawan",
        "role": "member, Universitas Sriwijaya (demo); reviewer (academic)",
    },
    {
        "email": "ratna@energi.demo.goi.id",
        "name": "Ir. Ratna Sari Dewi",
        "role": "independent energy expert; reviewer",
    },
    {"email": "fajar@musi.demo.goi.id", "name": "Fajar Nugroho", "role": "owner, Komunitas Peduli Sungai Musi"},
    {"email": "lina@modalnusantara.demo.goi.id", "name": "Lina Kusuma", "role": "owner, Modal Ventura Nusantara"},
    {"email": "warga@demo.goi.id", "name": "Ahmad Fauzi", "role": "registered citizen, no organization"},
]

ORGANIZATIONS = [
    {
        "slug": "pemkot-palembang",
        "name": "Pemerintah Kota Palembang",
        "kind": OrgKind.GOVERNMENT,
        "government_kind": GovernmentKind.CITY,
        "province_code": "16",
        "regency_code": "16.71",
        "website": "https://www.palembang.go.id",
        "verified": True,
        "description": "Pemerintah Kota Palembang, inti kawasan metropolitan **Patungraya Agung**. "
        "Fokus: pengendalian banjir di daerah aliran Sungai Musi, transportasi publik terintegrasi "
        "(LRT, Transmusi) dan pengelolaan sampah.",
        "members": [("dina@palembang.demo.goi.id", MemberRole.OWNER)],
    },
    {
        "slug": "pemkot-denpasar",
        "name": "Pemerintah Kota Denpasar",
        "kind": OrgKind.GOVERNMENT,
        "government_kind": GovernmentKind.CITY,
        "province_code": "51",
        "regency_code": "51.71",
        "website": "https://www.denpasarkota.go.id",
        "verified": True,
        "description": "Pemerintah Kota Denpasar, inti kawasan metropolitan **Sarbagita**. "
        "Fokus: kota cerdas, pengelolaan sampah berbasis desa adat, kemacetan kawasan wisata.",
        "members": [("made@denpasar.demo.goi.id", MemberRole.OWNER)],
    },
    {
        "slug": "pemkot-banjarmasin",
        "name": "Pemerintah Kota Banjarmasin",
        "kind": OrgKind.GOVERNMENT,
        "government_kind": GovernmentKind.CITY,
        "province_code": "63",
        "regency_code": "63.71",
        "website": "https://banjarmasinkota.go.id",
        "verified": True,
        "description": "Kota Seribu Sungai, inti kawasan metropolitan **Banjarbakula**. "
        "Fokus: air bersih, genangan pasang surut, transportasi sungai.",
        "members": [("rina@banjarmasin.demo.goi.id", MemberRole.OWNER)],
    },
    {
        "slug": "pemkot-makassar",
        "name": "Pemerintah Kota Makassar",
        "kind": OrgKind.GOVERNMENT,
        "government_kind": GovernmentKind.CITY,
        "province_code": "73",
        "regency_code": "73.71",
        "website": "https://makassarkota.go.id",
        "verified": False,
        "description": "Pemerintah Kota Makassar, inti kawasan metropolitan **Mamminasata**. "
        "Fokus: layanan publik digital, kesehatan, pengelolaan pesisir.",
        "members": [("andi@makassar.demo.goi.id", MemberRole.OWNER)],
    },
    {
        "slug": "pt-air-nusantara-teknologi",
        "name": "PT Air Nusantara Teknologi",
        "kind": OrgKind.INDUSTRY,
        "government_kind": None,
        "province_code": "31",
        "regency_code": None,
        "website": "https://airnusantara.example.id",
        "verified": False,
        "description": "Perusahaan rintisan teknologi air: sensor IoT kualitas air, "
        "deteksi kebocoran pipa PDAM, peringatan dini banjir.",
        "members": [
            ("budi@airnusantara.demo.goi.id", MemberRole.OWNER),
            ("yoga@airnusantara.demo.goi.id", MemberRole.MEMBER),
        ],
    },
    {
        "slug": "universitas-sriwijaya-demo",
        "name": "Universitas Sriwijaya (demo)",
        "kind": OrgKind.ACADEMIA,
        "government_kind": None,
        "province_code": "16",
        "regency_code": "16.10",
        "website": "https://www.unsri.ac.id",
        "verified": False,
        "description": "Pusat riset hidrologi rawa dan perencanaan wilayah Sumatera Selatan.",
        "members": [("siti@unsri.demo.goi.id", MemberRole.OWNER), ("hendra@unsri.demo.goi.id", MemberRole.MEMBER)],
    },
    {
        "slug": "universitas-udayana-demo",
        "name": "Universitas Udayana (demo)",
        "kind": OrgKind.ACADEMIA,
        "government_kind": None,
        "province_code": "51",
        "regency_code": "51.03",
        "website": "https://www.unud.ac.id",
        "verified": False,
        "description": "Riset teknik lingkungan, pariwisata berkelanjutan dan tata kelola sampah.",
        "members": [("wayan@unud.demo.goi.id", MemberRole.ADMIN), ("siti@unsri.demo.goi.id", MemberRole.OWNER)],
    },
    {
        "slug": "komunitas-peduli-sungai-musi",
        "name": "Komunitas Peduli Sungai Musi",
        "kind": OrgKind.COMMUNITY,
        "government_kind": None,
        "province_code": "16",
        "regency_code": "16.71",
        "website": "",
        "verified": False,
        "description": "Relawan warga untuk sungai bersih: bank sampah, pemantauan kualitas air, edukasi.",
        "members": [("fajar@musi.demo.goi.id", MemberRole.OWNER)],
    },
    {
        "slug": "modal-ventura-nusantara",
        "name": "Modal Ventura Nusantara",
        "kind": OrgKind.INVESTOR,
        "government_kind": None,
        "province_code": "31",
        "regency_code": None,
        "website": "https://modalnusantara.example.id",
        "verified": False,
        "description": "Investor tahap awal untuk solusi kota cerdas dan infrastruktur hijau.",
        "members": [("lina@modalnusantara.demo.goi.id", MemberRole.OWNER)],
    },
]

_DEMO_LETTER = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def load_demo_data() -> bool:
    """Create the demo records unless they exist; True when something was created."""
    from goi.demo_challenges import load_demo_challenges
    from goi.demo_matching import load_demo_matching

    created = _load_people_and_organizations()
    created = load_demo_challenges() or created
    return load_demo_matching() or created


def _load_people_and_organizations() -> bool:
    if db.session.scalar(select(User.id).where(User.email == DEMO_MARKER)) is not None:
        return False
    users: dict[str, User] = {}
    for spec in DEMO_USERS:
        user = User(
            email=spec["email"],
            name=spec["name"],
            email_confirmed_at=clock.now(),
            is_platform_admin=spec["role"] == "platform admin",
            is_public_profile=spec["role"] != "platform admin",
            headline=spec["role"].split(",")[-1].strip(),
            locale="id",
        )
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        users[spec["email"]] = user
    users["wayan@unud.demo.goi.id"].expertise = "pengelolaan sampah, teknik lingkungan, waste-to-energy"
    users["siti@unsri.demo.goi.id"].expertise = "hidrologi, banjir, drainase perkotaan, rawa"
    users["budi@airnusantara.demo.goi.id"].expertise = "IoT, sensor kualitas air, kebocoran pipa"
    users["hendra@unsri.demo.goi.id"].expertise = "teknik elektro, sistem tenaga, kota cerdas"
    users["ratna@energi.demo.goi.id"].expertise = "energi terbarukan, PLTS, efisiensi energi penerangan"
    admin = users[DEMO_MARKER]
    db.session.flush()
    for spec in ORGANIZATIONS:
        organization = Organization(
            slug=spec["slug"],
            # The demo's organizations carry an import reference, as imported ones do: the API names them by it.
            ref=spec["slug"],
            name=spec["name"],
            kind=spec["kind"],
            government_kind=spec["government_kind"],
            province_code=spec["province_code"],
            regency_code=spec["regency_code"],
            website=spec["website"],
            description_source=spec["description"],
            description_html=render_markdown(spec["description"]),
            verified_at=clock.now() if spec["verified"] else None,
            verified_by_id=admin.id if spec["verified"] else None,
        )
        for email, role in spec["members"]:
            organization.memberships.append(Membership(user=users[email], role=role))
        db.session.add(organization)
    db.session.flush()
    makassar = db.session.scalar(select(Organization).where(Organization.slug == "pemkot-makassar"))
    stored_name = secrets.token_hex(16)
    (upload_root() / stored_name).write_bytes(_DEMO_LETTER)
    db.session.add(
        VerificationRequest(
            organization=makassar,
            submitted_by_id=users["andi@makassar.demo.goi.id"].id,
            official_email_domain="makassarkota.go.id",
            letter_stored_name=stored_name,
            letter_filename="surat-permohonan-verifikasi.pdf",
            letter_size=len(_DEMO_LETTER),
        )
    )
    return True
