"""The search bench's corpus: seeded city-problem documents, 75% Indonesian and 25% English, in ten sectors.

Challenges, questions, addenda and organizations from per-sector vocabularies (kemacetan, persampahan,
antrean/antrian, nontunai/non tunai, UMKM, PJU, IoT, TPA, PDAM …) and sentence templates; the same seed gives the
same documents.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SEED = 20261129

PROVINCES = ("11", "12", "13", "14", "16", "17", "18", "31", "32", "33", "34", "35", "36", "51", "52", "53", "61",
             "63", "64", "71", "73", "91")
CITIES = ("Palembang", "Medan", "Padang", "Pekanbaru", "Bengkulu", "Bandar Lampung", "Jakarta Utara", "Bandung",
          "Semarang", "Yogyakarta", "Surabaya", "Serang", "Denpasar", "Mataram", "Kupang", "Pontianak",
          "Banjarmasin", "Samarinda", "Manado", "Makassar", "Jayapura", "Bekasi", "Bogor", "Malang", "Solo",
          "Cilegon", "Sidoarjo", "Lubuklinggau", "Prabumulih", "Banyuasin")
ORG_KINDS = ("government",) * 6 + ("industry", "academia", "community", "investor")

# Per sector: Indonesian problems, English problems, Indonesian solution ideas, English solution ideas.
VOCAB: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "transportation": (
        ("kemacetan lalu lintas di simpang", "antrean kendaraan di gerbang tol", "parkir liar di bahu jalan",
         "angkutan umum yang tidak tepat waktu", "kecelakaan di perlintasan kereta", "jalan berlubang di kawasan pasar",
         "kepadatan penumpang bus kota", "kemacetan saat jam pulang sekolah"),
        ("traffic congestion at intersections", "unreliable bus arrivals", "illegal roadside parking",
         "road safety near schools", "traffic jams during the holiday exodus", "crowded commuter trains"),
        ("lampu lalu lintas adaptif", "aplikasi informasi kedatangan bus", "rekayasa lalu lintas",
         "pembayaran tarif nontunai", "sensor penghitung kendaraan", "jalur sepeda yang aman"),
        ("adaptive signal timing", "real-time passenger information", "cashless fare integration",
         "computer vision vehicle counts", "park-and-ride schemes"),
    ),
    "water": (
        ("krisis air bersih di musim kemarau", "kehilangan air di jaringan PDAM", "air sumur tercemar",
         "sambungan pipa liar", "tekanan air rendah di ujung jaringan", "intrusi air laut ke sumur warga"),
        ("clean water shortages in the dry season", "non-revenue water losses", "contaminated wells",
         "low water pressure", "unsafe drinking water"),
        ("meteran air pintar berbasis IoT", "penampungan air hujan", "pompa tenaga surya",
         "deteksi kebocoran pipa", "pengolahan air payau"),
        ("smart water meters", "leak detection", "rainwater harvesting", "water kiosks with filtration"),
    ),
    "waste": (
        ("pengelolaan sampah plastik di pasar", "tumpukan sampah di TPS", "TPA yang hampir penuh",
         "pemilahan sampah rumah tangga", "sampah di sungai dan saluran", "pengangkutan sampah yang tidak terjadwal"),
        ("plastic waste in markets", "overflowing landfill", "household waste sorting", "marine debris on beaches",
         "food waste from restaurants"),
        ("bank sampah digital", "pengomposan sampah organik", "optimasi rute truk sampah",
         "pengolahan sampah menjadi energi", "retribusi persampahan nontunai"),
        ("route optimisation for garbage trucks", "composting", "waste-to-energy", "deposit return schemes"),
    ),
    "environment": (
        ("banjir tahunan di bantaran sungai", "banjir rob di pesisir", "genangan setelah hujan deras",
         "polusi udara di kawasan industri", "kebakaran hutan dan lahan gambut", "kurangnya ruang terbuka hijau"),
        ("recurring floods along the river", "tidal flooding on the coast", "air pollution near factories",
         "urban heat islands", "forest and peatland fires"),
        ("sistem peringatan dini banjir", "sensor tinggi muka air", "pemetaan daerah rawan banjir",
         "sensor kualitas udara", "penanaman pohon di kampung padat"),
        ("flood early warning", "river level gauges", "satellite flood mapping", "low-cost air quality sensors"),
    ),
    "health": (
        ("antrean pasien puskesmas yang panjang", "antrian obat di RSUD", "angka stunting yang tinggi",
         "kasus demam berdarah meningkat", "akses layanan kesehatan ibu hamil", "rujukan pasien yang lambat"),
        ("long outpatient queues", "high stunting rates", "dengue outbreaks", "slow patient referrals",
         "maternal health in remote villages"),
        ("antrean daring", "aplikasi kader posyandu", "ovitrap pintar berbasis IoT", "telekonsultasi bidan",
         "pendaftaran pasien mandiri"),
        ("online appointment booking", "community health worker apps", "telemedicine", "SMS reminders"),
    ),
    "energy": (
        ("jalan desa yang gelap", "tagihan listrik PJU yang tinggi", "lampu PJU mati berminggu-minggu",
         "ketergantungan pada genset diesel", "konsumsi listrik gedung kantor"),
        ("unlit village roads", "high street lighting bills", "broken street lights", "diesel generator dependence"),
        ("PJU tenaga surya", "PJU pintar dengan peredupan otomatis", "PLTS atap", "audit energi gedung",
         "pembangkit biomassa"),
        ("solar street lights", "smart LED street lighting", "rooftop solar", "building energy management"),
    ),
    "governance": (
        ("perizinan usaha yang berbelit", "antrean layanan KTP-el", "pengaduan warga tanpa tindak lanjut",
         "pembayaran pajak daerah secara tunai", "data penduduk yang tidak mutakhir"),
        ("slow business licensing", "long queues for ID cards", "unanswered citizen complaints",
         "cash payments at service counters"),
        ("perizinan satu pintu daring", "pembayaran non tunai", "kanal pengaduan terintegrasi",
         "dasbor kinerja perangkat daerah"),
        ("one-stop online licensing", "cashless payment", "integrated complaint handling", "open data portals"),
    ),
    "economy": (
        ("pemasaran UMKM kuliner", "akses pembiayaan usaha mikro", "retribusi pasar yang bocor",
         "harga cabai yang melonjak", "sertifikasi halal usaha kecil"),
        ("MSMEs selling online", "access to credit for micro businesses", "volatile food prices",
         "market stall digitalisation"),
        ("pendampingan UMKM go digital", "penilaian kredit alternatif", "retribusi nontunai dengan QRIS",
         "sistem informasi harga pangan"),
        ("marketplace partnerships", "alternative credit scoring", "QR code payments"),
    ),
    "housing": (
        ("permukiman kumuh di bantaran sungai", "rumah tidak layak huni", "harga sewa rumah yang mahal",
         "sanitasi buruk di kampung padat"),
        ("informal settlements on riverbanks", "substandard housing", "unaffordable rent"),
        ("penataan kawasan kumuh", "hunian vertikal sewa", "pendataan RTLH berbasis foto"),
        ("affordable rental housing", "modular construction", "community-led upgrading"),
    ),
    "education": (
        ("angka putus sekolah", "sekolah tanpa akses internet", "kekurangan guru di daerah terpencil",
         "zonasi PPDB yang tidak transparan"),
        ("school dropouts", "schools without internet", "teacher shortages", "digital learning gaps"),
        ("sekolah berasrama", "konten belajar luring", "guru kunjung", "peta zonasi yang dapat diaudit"),
        ("offline-first learning", "solar-charged tablets", "teacher training"),
    ),
}
SECTORS = tuple(VOCAB)

TITLE_ID = ("Mengatasi {p} di {c}", "Solusi untuk {p}", "{s} untuk {p}", "Inovasi {s} di {c}",
            "Penanganan {p} di Kota {c}", "Tantangan: {p}")
TITLE_EN = ("Tackling {p} in {c}", "{s} for {c}", "Solutions for {p}", "Reducing {p} in {c}")
SUMMARY_ID = ("Pemerintah daerah {c} mencari solusi atas {p}.", "{p} menjadi keluhan utama warga {c}.",
              "Kami mencari {s} untuk mengurangi {p}.")
SUMMARY_EN = ("The city of {c} is looking for ways to address {p}.", "Residents of {c} report {p} every week.")
BODY_ID = ("Setiap tahun {p} di {c} merugikan warga dan memperlambat layanan publik.",
           "Data dinas menunjukkan {p} meningkat {n}% dalam tiga tahun terakhir.",
           "Kami mengundang startup, perguruan tinggi, dan komunitas untuk mengusulkan {s}.",
           "Solusi harus dapat diuji coba dalam {m} bulan dengan anggaran yang wajar.",
           "Usulan yang melibatkan warga dan memanfaatkan data terbuka akan dinilai lebih tinggi.",
           "Selain itu, {s2} juga dapat menjadi bagian dari solusi.",
           "Lokasi uji coba berada di kecamatan dengan {p2}.")
BODY_EN = ("Every year {p} costs residents of {c} time and money.",
           "Agency data shows {p} rising by {n}% over three years.",
           "We invite startups, universities and communities to propose {s}.",
           "Pilots should run within {m} months on a modest budget.",
           "Proposals that involve residents and use open data will score higher.")
QUESTION_ID = ("Apakah data {p} tersedia untuk peserta?", "Bolehkah proposal {s} diajukan oleh konsorsium?")
ORG_ID = ("Dinas {sl} Kota {c}", "Komunitas Peduli {c}", "PT {S} Nusantara", "Universitas {c}", "Perumda {S} {c}")


@dataclass(slots=True)
class Doc:
    object_id: int
    type: str
    title: str
    summary: str
    body: str
    sector: str
    province: str
    status: str
    org_kind: str | None


SECTOR_LABEL = {"transportation": "Perhubungan", "water": "Air Minum", "waste": "Lingkungan Hidup",
                "environment": "Lingkungan Hidup", "health": "Kesehatan", "energy": "Energi",
                "governance": "Penanaman Modal", "economy": "Koperasi dan UMKM", "housing": "Perumahan",
                "education": "Pendidikan"}


def generate(count: int, seed: int = SEED) -> list[Doc]:
    """count documents of mixed Indonesian/English city-problem text, the same for the same seed."""
    rng = random.Random(seed)
    choice, randint = rng.choice, rng.randint
    docs = []
    for number in range(1, count + 1):
        sector = SECTORS[number % len(SECTORS)] if number % 7 else choice(SECTORS)
        p_id, p_en, s_id, s_en = VOCAB[sector]
        city = choice(CITIES)
        english = rng.random() < 0.25
        roll = rng.random()
        kind = "challenge" if roll < 0.7 else "question" if roll < 0.8 else "addendum" if roll < 0.9 else "organization"
        problems, ideas = (p_en, s_en) if english else (p_id, s_id)
        p, s = choice(problems), choice(ideas)
        fill = {"p": p, "p2": choice(p_id), "s": s, "s2": choice(s_id), "c": city, "n": randint(5, 60),
                "m": randint(3, 12), "S": s.split()[0].capitalize(), "sl": SECTOR_LABEL[sector]}
        if kind == "organization":
            title = choice(ORG_ID).format(**fill)
            summary = f"Organisasi di {city} yang bergerak di bidang {SECTOR_LABEL[sector].lower()}."
        elif kind == "question":
            title = choice(QUESTION_ID).format(**fill)
            summary = f"Pertanyaan tentang tantangan {p}."
        elif kind == "addendum":
            title = f"Addendum: perubahan jadwal tantangan {p}"
            summary = "Batas waktu pengajuan proposal diperpanjang."
        else:
            title = choice(TITLE_EN if english else TITLE_ID).format(**fill)
            title = title[0].upper() + title[1:]
            summary = choice(SUMMARY_EN if english else SUMMARY_ID).format(**fill)
        sentences = BODY_EN if english else BODY_ID
        body = " ".join(sentence.format(**fill) for sentence in rng.sample(sentences, randint(3, len(sentences))))
        docs.append(Doc(number, kind, title, summary, body, sector, choice(PROVINCES),
                        "archived" if rng.random() < 0.15 else "published",
                        choice(ORG_KINDS) if kind == "organization" else "government"))
    return docs
