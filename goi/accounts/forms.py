"""Account forms; every label and message is translatable."""

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from goi.core.forms import Form, MultiCheckboxField, QuickSelect, QuickSelectField, select_choices
from goi.data.regions import province, province_choices, provinces, regencies, regency, regency_choices
from goi.data.taxonomy import sector_choices

LANGUAGE_CHOICES = [("id", "Bahasa Indonesia"), ("en", "English")]
PROFILE_LANGUAGE_CHOICES = [
    ("id", "Bahasa Indonesia"),
    ("en", "English"),
    ("jv", "Basa Jawa"),
    ("su", "Basa Sunda"),
    ("ms", "Bahasa Melayu"),
    ("zh", "中文"),
    ("ja", "日本語"),
    ("ar", "العربية"),
]
_OWN_NAMES = dict(PROFILE_LANGUAGE_CHOICES)


def language_label(code: str) -> str:
    """A language by its own name; one not written in Latin letters with the reader's name for it: "中文 (Chinese)"."""
    own = _OWN_NAMES.get(code, code)
    if own.isascii():
        return own
    return f"{own} ({Locale.parse(code).get_display_name(str(get_locale() or 'id'))})"


class RegisterForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=8, max=128)],
        description=_l("8 to 128 characters. A long phrase is easiest to remember."),
    )
    confirm = PasswordField(
        _l("Repeat password"), validators=[DataRequired(), EqualTo("password", message=_l("Passwords differ."))]
    )


class LoginForm(Form):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class EmailOnlyForm(Form):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])


class ResetPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=128)])
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("Passwords differ."))],
    )


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=128)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=128)])
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("Passwords differ."))],
    )


KEYWORDS_MAX_LENGTH = 500
KEYWORDS_MAX_COUNT = 20
KEYWORD_MAX_LENGTH = 60
REGIONS_SERVED_MAX = 40
# Technology readiness levels, each with a short label (after the EU Horizon and BRIN scales).
TRL_LABELS = {
    1: _l("Basic principles observed"),
    2: _l("Technology concept formulated"),
    3: _l("Experimental proof of concept"),
    4: _l("Technology validated in the lab"),
    5: _l("Technology validated in a relevant environment"),
    6: _l("Technology demonstrated in a relevant environment"),
    7: _l("Prototype demonstrated in an operational environment"),
    8: _l("System complete and qualified"),
    9: _l("System proven in operational use"),
}


def keyword_list(text: str) -> list[str]:
    """Comma-separated keywords, each with its spaces collapsed, without empty ones and repeats (any case)."""
    seen: dict[str, str] = {}
    for word in text.split(","):
        word = " ".join(word.split())
        if word and word.lower() not in seen:
            seen[word.lower()] = word
    return list(seen.values())


def trl_label(level: int | None) -> str:
    """'TRL 4 — Technology validated in the lab', or '' when no level is set."""
    if level not in TRL_LABELS:
        return ""
    return f"TRL {level} — {TRL_LABELS[level]}"


def region_served_name(code: str) -> str:
    """The name of a province (2-digit code) or kabupaten/kota ("32.01"), or the code when it is unknown."""
    place = regency(code) if "." in code else province(code)
    return place.name if place is not None else code


def _region_groups() -> dict[str, list[tuple[str, str]]]:
    """The choices of regions served: one group per province, the whole province first, then its regencies."""
    groups = {}
    for item in provinces():
        whole = _l("%(province)s (the whole province)", province=item.name)
        groups[item.name] = [(item.code, whole), *((r.code, r.name) for r in regencies(item.code))]
    return groups


class MatchingProfileFields:
    """The matching profile's fields shared by a person's and an organization's form (issue 12)."""

    expertise = StringField(
        _l("Expertise keywords"),
        validators=[Optional(), Length(max=KEYWORDS_MAX_LENGTH)],
        description=_l("Separate keywords with commas, for example: drainage, IoT, waste management"),
    )
    seeking = StringField(
        _l("What you look for in partners"),
        validators=[Optional(), Length(max=KEYWORDS_MAX_LENGTH)],
        description=_l("Keywords separated by commas, for example: field survey, data science, funding"),
    )
    sectors = MultiCheckboxField(_l("Sectors"))
    regions_served = SelectMultipleField(
        _l("Regions served"),
        widget=QuickSelect(multiple=True),
        description=_l(
            "Choose a whole province or single regencies and cities, at most 40. "
            "Hold Ctrl (or Cmd) to choose several; with the keyboard, Shift and the arrow keys."
        ),
    )
    trl = QuickSelectField(
        _l("Technology readiness level (TRL)"),
        validators=[Optional()],
        description=_l("How ready the solutions you offer are, from 1 (an idea) to 9 (proven in use)."),
    )

    def _init_matching_choices(self) -> None:
        self.sectors.choices = select_choices(sector_choices(str(get_locale() or "id")))
        self.regions_served.choices = _region_groups()
        self.trl.choices = select_choices(
            [("", _l("— not set —")), *((str(level), trl_label(level)) for level in TRL_LABELS)]
        )

    def fill_matching_profile(self, owner) -> None:
        """Show a user's or an organization's stored profile in the fields (a GET)."""
        self.expertise.data = owner.expertise
        self.seeking.data = owner.seeking
        self.sectors.data = owner.sector_list
        self.regions_served.data = owner.regions_served_list
        self.trl.data = str(owner.trl) if owner.trl else ""

    @staticmethod
    def _check_keywords(field) -> None:
        words = keyword_list(field.data or "")
        if len(words) > KEYWORDS_MAX_COUNT:
            raise ValidationError(_l("At most 20 keywords."))
        if any(len(word) > KEYWORD_MAX_LENGTH for word in words):
            raise ValidationError(_l("Each keyword may have at most 60 characters."))
        if len(", ".join(words)) > KEYWORDS_MAX_LENGTH:
            raise ValidationError(_l("At most 500 characters in all."))

    def validate_expertise(self, field) -> None:
        self._check_keywords(field)

    def validate_seeking(self, field) -> None:
        self._check_keywords(field)

    def validate_regions_served(self, field) -> None:
        if len(set(field.data or ())) > REGIONS_SERVED_MAX:
            raise ValidationError(_l("Choose at most 40 regions."))

    def matching_values(self) -> dict:
        return {
            "expertise": keyword_list(self.expertise.data or ""),
            "seeking": keyword_list(self.seeking.data or ""),
            "sectors": list(dict.fromkeys(self.sectors.data or ())),
            "regions_served": list(dict.fromkeys(self.regions_served.data or ())),
            "trl": int(self.trl.data) if self.trl.data else None,
        }


class ProfileForm(MatchingProfileFields, Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    headline = StringField(
        _l("Headline"), validators=[Optional(), Length(max=160)], description=_l("For example: Hydrologist, ITB")
    )
    bio = TextAreaField(
        _l("About you"), validators=[Optional(), Length(max=5000)], description=_l("Markdown is supported.")
    )
    languages = MultiCheckboxField(_l("Languages you work in"))
    province_code = QuickSelectField(_l("Province"), validators=[Optional()])
    regency_code = QuickSelectField(_l("Regency or city"), validators=[Optional()])
    is_public_profile = BooleanField(_l("Show my profile publicly"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_matching_choices()
        self.languages.choices = select_choices((code, language_label(code)) for code, _own in PROFILE_LANGUAGE_CHOICES)
        self.province_code.choices = select_choices([("", _l("— not set —")), *province_choices()])
        self.regency_code.choices = select_choices([("", _l("— not set —")), *regency_choices()])

    def validate_regency_code(self, field) -> None:
        if field.data:
            place = regency(field.data)
            if place is None or place.province_code != self.province_code.data:
                raise ValidationError(_l("Choose a regency or city in the chosen province."))

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "headline": self.headline.data or "",
            "bio": self.bio.data or "",
            "languages": self.languages.data or [],
            "province_code": self.province_code.data,
            "regency_code": self.regency_code.data,
            "is_public_profile": self.is_public_profile.data,
            **self.matching_values(),
        }
