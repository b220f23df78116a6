"""Organization forms."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, IntegerField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Email, Length, Optional, ValidationError

from goi.accounts.forms import LANGUAGE_CHOICES, MatchingProfileFields
from goi.core.forms import Form, MultiCheckboxField, QuickSelectField, select_choices
from goi.data.regions import province_choices, regency, regency_choices
from goi.orgs.models import GovernmentKind, MemberRole, OrgKind
from goi.orgs.projects import CLIENT_MAX, DESCRIPTION_MAX, LINK_MAX, TITLE_MAX, project_errors

KIND_LABELS = {
    OrgKind.GOVERNMENT: _l("Government"),
    OrgKind.INDUSTRY: _l("Industry"),
    OrgKind.ACADEMIA: _l("Academia"),
    OrgKind.COMMUNITY: _l("Community"),
    OrgKind.INVESTOR: _l("Investor"),
}
GOVERNMENT_KIND_LABELS = {
    GovernmentKind.PROVINCE: _l("Province government"),
    GovernmentKind.REGENCY: _l("Regency government"),
    GovernmentKind.CITY: _l("City government"),
    GovernmentKind.BUMD: _l("Regional enterprise (BUMD)"),
    GovernmentKind.MINISTRY: _l("Ministry or agency"),
}
ROLE_LABELS = {MemberRole.OWNER: _l("Owner"), MemberRole.ADMIN: _l("Admin"), MemberRole.MEMBER: _l("Member")}
_DOMAIN = re.compile(r"^(?=.{4,120}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$")


class OrganizationForm(MatchingProfileFields, Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    kind = QuickSelectField(
        _l("Kind"), choices=select_choices([(kind.value, label) for kind, label in KIND_LABELS.items()])
    )
    government_kind = QuickSelectField(
        _l("Kind of government body"),
        choices=select_choices(
            [("", _l("— not a government —"))] + [(kind.value, label) for kind, label in GOVERNMENT_KIND_LABELS.items()]
        ),
        validators=[Optional()],
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=10000)], description=_l("Markdown is supported.")
    )
    website = StringField(
        _l("Website"), validators=[Optional(), URL(require_tld=True), Length(max=300)], description="https://…"
    )
    province_code = QuickSelectField(_l("Province"), validators=[Optional()])
    regency_code = QuickSelectField(_l("Regency or city"), validators=[Optional()])
    languages = MultiCheckboxField(_l("Working languages"), choices=select_choices(LANGUAGE_CHOICES), default=["id"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_matching_choices()
        self.province_code.choices = select_choices([("", _l("— not set —")), *province_choices()])
        self.regency_code.choices = select_choices([("", _l("— not set —")), *regency_choices()])

    def validate_government_kind(self, field) -> None:
        if self.kind.data == OrgKind.GOVERNMENT.value and not field.data:
            raise ValidationError(_l("Choose the kind of government body."))

    def validate_website(self, field) -> None:
        if field.data and not field.data.lower().startswith(("http://", "https://")):
            raise ValidationError(_l("Start the address with https://"))

    def validate_regency_code(self, field) -> None:
        if field.data:
            place = regency(field.data)
            if place is None or place.province_code != self.province_code.data:
                raise ValidationError(_l("Choose a regency or city in the chosen province."))

    def values(self) -> dict:
        government_kind = self.government_kind.data or None
        return {
            "name": self.name.data,
            "kind": OrgKind(self.kind.data),
            "government_kind": GovernmentKind(government_kind) if government_kind else None,
            "description": self.description.data or "",
            "website": self.website.data or "",
            "province_code": self.province_code.data,
            "regency_code": self.regency_code.data,
            "languages": self.languages.data or [],
            **self.matching_values(),
        }

    def fill(self, organization) -> None:
        """Show the stored values a GET edits where they differ from the form's fields."""
        self.kind.data = organization.kind.value
        self.government_kind.data = organization.government_kind.value if organization.government_kind else ""
        self.description.data = organization.description_source
        self.province_code.data = organization.province_code or ""
        self.regency_code.data = organization.regency_code or ""
        self.languages.data = organization.language_list
        self.fill_matching_profile(organization)


class InviteForm(Form):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    role = QuickSelectField(
        _l("Role"),
        choices=select_choices([(role.value, label) for role, label in ROLE_LABELS.items()]),
        default=MemberRole.MEMBER.value,
    )


class RoleForm(Form):
    role = QuickSelectField(
        _l("Role"), choices=select_choices([(role.value, label) for role, label in ROLE_LABELS.items()])
    )


class VisibilityForm(Form):
    is_public = BooleanField(_l("Show me on the organization's public page"))


class VerificationForm(Form):
    official_email_domain = StringField(
        _l("Official email domain"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("For example: palembang.go.id"),
    )
    letter = FileField(
        _l("Official letter (PDF)"),
        validators=[FileRequired(_l("Attach the official letter as a PDF file."))],
        description=_l("A signed letter on the institution's letterhead asking for verification."),
    )

    def validate_official_email_domain(self, field) -> None:
        domain = (field.data or "").strip().lower().lstrip("@")
        if not _DOMAIN.match(domain):
            raise ValidationError(_l("Enter a domain such as palembang.go.id."))


class PastProjectForm(Form):
    """A past project or solution; its rules are the service's (projects.project_errors), shown beside the fields."""

    title = StringField(_l("Title"), render_kw={"maxlength": TITLE_MAX})
    year = IntegerField(
        _l("Year"), validators=[Optional()], render_kw={"inputmode": "numeric"}, description=_l("Optional.")
    )
    client = StringField(
        _l("Client"), render_kw={"maxlength": CLIENT_MAX}, description=_l("Who the work was for (optional).")
    )
    description = TextAreaField(
        _l("Short description"),
        render_kw={"maxlength": DESCRIPTION_MAX},
        description=_l("Plain text, at most 1,000 characters."),
    )
    link = StringField(_l("Link"), render_kw={"maxlength": LINK_MAX}, description="https://…")
    counts_for_matching = BooleanField(
        _l("Counts for matching"),
        default=True,
        description=_l("Suggestions may cite this project, and your public page shows it."),
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, message in project_errors(self.values()).items():
            field = self._fields[name]
            if not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def values(self) -> dict:
        return {name: self._fields[name].data for name in ("title", "year", "client", "description", "link")} | {
            "counts_for_matching": bool(self.counts_for_matching.data)
        }


class CountsForMatchingForm(Form):
    counts = QuickSelectField(choices=select_choices([("1", "1"), ("0", "0")]))
