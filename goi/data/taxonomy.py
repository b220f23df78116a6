"""Classification vocabularies: government sectors, the 17 SDGs and smart-city dimensions."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LOCALE = "id"


def _is_english(locale: str | None) -> bool:
    """Tell whether a locale such as "en", "en_US" or "en-GB" is English."""
    if not locale:
        return False
    return locale.replace("-", "_").split("_", 1)[0].lower() == "en"


class _Labelled:
    """Mixin giving bilingual items a label(locale) method."""

    __slots__ = ()
    label_id: str
    label_en: str

    def label(self, locale: str = DEFAULT_LOCALE) -> str:
        """Return the English label for an "en" locale, the Indonesian one otherwise."""
        return self.label_en if _is_english(locale) else self.label_id


@dataclass(frozen=True, slots=True)
class Sector(_Labelled):
    """A government affairs sector an innovation or challenge belongs to."""

    code: str
    label_id: str
    label_en: str


@dataclass(frozen=True, slots=True)
class SDG(_Labelled):
    """One of the 17 Sustainable Development Goals (Tujuan Pembangunan Berkelanjutan)."""

    number: int
    label_id: str
    label_en: str


@dataclass(frozen=True, slots=True)
class Dimension(_Labelled):
    """A smart-city dimension of the Gerakan Menuju 100 Smart City framework."""

    code: str
    label_id: str
    label_en: str


SECTORS: tuple[Sector, ...] = (
    Sector("economy", "Ekonomi", "Economy"),
    Sector("education", "Pendidikan", "Education"),
    Sector("energy", "Energi", "Energy"),
    Sector("environment", "Lingkungan Hidup", "Environment"),
    Sector("finance", "Keuangan", "Finance"),
    Sector("governance", "Tata Kelola Pemerintahan", "Governance"),
    Sector("health", "Kesehatan", "Health"),
    Sector("housing", "Perumahan dan Permukiman", "Housing"),
    Sector("safety", "Ketertiban dan Keselamatan", "Public Safety"),
    Sector("waste", "Persampahan", "Waste"),
    Sector("culture", "Kebudayaan", "Culture"),
    Sector("telecommunication", "Telekomunikasi", "Telecommunication"),
    Sector("transportation", "Transportasi", "Transportation"),
    Sector("food", "Pangan", "Food"),
    Sector("urban-planning", "Tata Ruang", "Urban Planning"),
    Sector("wastewater", "Air Limbah", "Wastewater"),
    Sector("water", "Air Bersih", "Clean Water"),
    Sector("population", "Kependudukan", "Population"),
)

# Indonesian names as used by Bappenas (sdgs.bappenas.go.id); English names as used by the UN.
SDGS: tuple[SDG, ...] = (
    SDG(1, "Tanpa Kemiskinan", "No Poverty"),
    SDG(2, "Tanpa Kelaparan", "Zero Hunger"),
    SDG(3, "Kehidupan Sehat dan Sejahtera", "Good Health and Well-being"),
    SDG(4, "Pendidikan Berkualitas", "Quality Education"),
    SDG(5, "Kesetaraan Gender", "Gender Equality"),
    SDG(6, "Air Bersih dan Sanitasi Layak", "Clean Water and Sanitation"),
    SDG(7, "Energi Bersih dan Terjangkau", "Affordable and Clean Energy"),
    SDG(8, "Pekerjaan Layak dan Pertumbuhan Ekonomi", "Decent Work and Economic Growth"),
    SDG(9, "Industri, Inovasi dan Infrastruktur", "Industry, Innovation and Infrastructure"),
    SDG(10, "Berkurangnya Kesenjangan", "Reduced Inequalities"),
    SDG(11, "Kota dan Permukiman yang Berkelanjutan", "Sustainable Cities and Communities"),
    SDG(12, "Konsumsi dan Produksi yang Bertanggung Jawab", "Responsible Consumption and Production"),
    SDG(13, "Penanganan Perubahan Iklim", "Climate Action"),
    SDG(14, "Ekosistem Lautan", "Life Below Water"),
    SDG(15, "Ekosistem Daratan", "Life on Land"),
    SDG(16, "Perdamaian, Keadilan dan Kelembagaan yang Tangguh", "Peace, Justice and Strong Institutions"),
    SDG(17, "Kemitraan untuk Mencapai Tujuan", "Partnerships for the Goals"),
)

# The movement's own English names ("Smart Environment") are what officials know, so the Indonesian label gives the
# dimension in Indonesian with that name beside it, as the movement's guides explain them.
DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("governance", "Tata Kelola Cerdas (Smart Governance)", "Smart Governance"),
    Dimension("branding", "Pencitraan Daerah Cerdas (Smart Branding)", "Smart Branding"),
    Dimension("economy", "Ekonomi Cerdas (Smart Economy)", "Smart Economy"),
    Dimension("living", "Kehidupan Cerdas (Smart Living)", "Smart Living"),
    Dimension("society", "Masyarakat Cerdas (Smart Society)", "Smart Society"),
    Dimension("environment", "Lingkungan Cerdas (Smart Environment)", "Smart Environment"),
)

_SECTORS_BY_CODE = {s.code: s for s in SECTORS}
_SDGS_BY_NUMBER = {g.number: g for g in SDGS}
_DIMENSIONS_BY_CODE = {d.code: d for d in DIMENSIONS}


def sectors() -> list[Sector]:
    """Return all sectors in their canonical order."""
    return list(SECTORS)


def sector(code: str) -> Sector | None:
    """Return the sector with this code, or None."""
    return _SECTORS_BY_CODE.get(code)


def sdgs() -> list[SDG]:
    """Return the 17 SDGs in numeric order."""
    return list(SDGS)


def sdg(number: int) -> SDG | None:
    """Return the SDG with this number (1-17), or None."""
    return _SDGS_BY_NUMBER.get(number)


def dimensions() -> list[Dimension]:
    """Return the six smart-city dimensions in their canonical order."""
    return list(DIMENSIONS)


def dimension(code: str) -> Dimension | None:
    """Return the smart-city dimension with this code, or None."""
    return _DIMENSIONS_BY_CODE.get(code)


def sector_choices(locale: str = DEFAULT_LOCALE) -> list[tuple[str, str]]:
    """Return (code, label) pairs of all sectors for a WTForms field."""
    return [(s.code, s.label(locale)) for s in SECTORS]


def dimension_choices(locale: str = DEFAULT_LOCALE) -> list[tuple[str, str]]:
    """Return (code, label) pairs of all smart-city dimensions for a WTForms field."""
    return [(d.code, d.label(locale)) for d in DIMENSIONS]


def sdg_choices(locale: str = DEFAULT_LOCALE) -> list[tuple[int, str]]:
    """Return (number, "N. label") pairs of all SDGs for a WTForms field (use coerce=int)."""
    return [(g.number, f"{g.number}. {g.label(locale)}") for g in SDGS]
