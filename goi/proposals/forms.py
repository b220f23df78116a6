"""Proposal forms: starting, content (one section per criterion), attachments, team invitations."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from goi.challenges.models import Challenge
from goi.core.forms import Form, QuickSelectField, RupiahField, select_choices
from goi.orgs.models import Organization

SOLO = "solo"


class StartProposalForm(Form):
    team = QuickSelectField(_l("Submit as"))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])

    def set_teams(self, as_individual: bool, organizations: list[Organization]) -> None:
        """Only the teams the challenge accepts; the user's organization first and chosen, where there is one."""
        choices = [(str(org.id), org.name) for org in organizations]
        if as_individual:
            choices.append((SOLO, _l("Myself, as an individual")))
        self.team.choices = select_choices(choices)
        if self.team.data is None and choices:
            self.team.data = choices[0][0]

    def organization_id(self) -> int | None:
        return None if self.team.data == SOLO else int(self.team.data)


class ProposalForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)])
    approach = TextAreaField(
        _l("Approach"), validators=[Optional(), Length(max=30000)], description=_l("Markdown is supported.")
    )
    workplan = TextAreaField(
        _l("Work plan and timeline"),
        validators=[Optional(), Length(max=30000)],
        description=_l("Markdown is supported."),
    )
    budget_estimate = RupiahField(_l("Budget estimate (rupiah)"), validators=[Optional()])
    trl = IntegerField(
        _l("Technology readiness level (TRL)"),
        validators=[Optional(), NumberRange(min=1, max=9)],
        description=_l("1 (basic principles) to 9 (proven in operation)."),
    )
    team_roles = TextAreaField(_l("Team roles"), validators=[Optional(), Length(max=5000)])

    def section_fields(self) -> list:
        return [field for field in self if field.name.startswith("section_")]

    def values(self) -> dict:
        return {
            "title": self.title.data or "",
            "summary": self.summary.data or "",
            "approach": self.approach.data or "",
            "workplan": self.workplan.data or "",
            "budget_estimate": self.budget_estimate.data,
            "trl": self.trl.data,
            "team_roles": self.team_roles.data or "",
            "sections": {int(field.name.removeprefix("section_")): field.data or "" for field in self.section_fields()},
        }


def proposal_form_for(challenge: Challenge, **kwargs) -> ProposalForm:
    """A ProposalForm with one text section per criterion of the challenge."""

    class _ChallengeProposalForm(ProposalForm):
        pass

    for criterion in challenge.criteria:
        setattr(
            _ChallengeProposalForm,
            f"section_{criterion.id}",
            TextAreaField(
                criterion.name,
                validators=[Optional(), Length(max=20000)],
                description=criterion.description or None,
            ),
        )
    return _ChallengeProposalForm(**kwargs)


class AttachmentForm(Form):
    file = FileField(
        _l("Attachment"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l("PDF, images, or office documents."),
    )


class PartnerInviteForm(Form):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    responsibility = StringField(_l("Responsibility in the team"), validators=[DataRequired(), Length(max=200)])
    organization_id = QuickSelectField(_l("Their organization"), validators=[Optional()])

    def set_organizations(self, organizations: list[Organization]) -> None:
        self.organization_id.choices = select_choices(
            [("", _l("— none, or not on GOI —"))] + [(str(org.id), org.name) for org in organizations]
        )


class InvitationAnswerForm(Form):
    decision = QuickSelectField(choices=select_choices([("accept", "accept"), ("decline", "decline")]))
