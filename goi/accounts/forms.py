"""Account forms; every label and message is translatable."""

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from goi.core.forms import Form, MultiCheckboxField, QuickSelectField, select_choices
from goi.data.regions import province_choices, regency, regency_choices

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


def _keywords(text: str) -> list[str]:
    seen: dict[str, str] = {}
    for word in text.split(","):
        word = " ".join(word.split())
        if word and word.lower() not in seen:
            seen[word.lower()] = word
    return list(seen.values())


class ProfileForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    headline = StringField(
        _l("Headline"), validators=[Optional(), Length(max=160)], description=_l("For example: Hydrologist, ITB")
    )
    bio = TextAreaField(
        _l("About you"), validators=[Optional(), Length(max=5000)], description=_l("Markdown is supported.")
    )
    expertise = StringField(
        _l("Expertise keywords"),
        validators=[Optional(), Length(max=500)],
        description=_l("Separate keywords with commas, for example: drainage, IoT, waste management"),
    )
    languages = MultiCheckboxField(_l("Languages you work in"))
    province_code = QuickSelectField(_l("Province"), validators=[Optional()])
    regency_code = QuickSelectField(_l("Regency or city"), validators=[Optional()])
    is_public_profile = BooleanField(_l("Show my profile publicly"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages.choices = select_choices((code, language_label(code)) for code, _own in PROFILE_LANGUAGE_CHOICES)
        self.province_code.choices = select_choices([("", _l("— not set —")), *province_choices()])
        self.regency_code.choices = select_choices([("", _l("— not set —")), *regency_choices()])

    def validate_expertise(self, field) -> None:
        words = _keywords(field.data or "")
        if len(words) > 20:
            raise ValidationError(_l("At most 20 keywords."))
        if any(len(word) > 60 for word in words):
            raise ValidationError(_l("Each keyword may have at most 60 characters."))

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
            "expertise": _keywords(self.expertise.data or ""),
            "languages": self.languages.data or [],
            "province_code": self.province_code.data,
            "regency_code": self.regency_code.data,
            "is_public_profile": self.is_public_profile.data,
        }
