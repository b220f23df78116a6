"""The results form: the summary, and per submitted proposal whether it is named, its award and citation."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from goi.core.forms import Form, QuickSelectField, select_choices
from goi.proposals.models import Proposal
from goi.reviews.models import AwardLabel
from goi.reviews.outcomes import OutcomeKind
from goi.reviews.services import MAX_CITATION, MAX_SUMMARY, EntryChoice

OUTCOME_KIND_LABELS = {
    OutcomeKind.IN_REVIEW: _l("In review"),
    OutcomeKind.AWARDED: _l("Awarded"),
    OutcomeKind.NOT_SELECTED: _l("Not selected"),
    OutcomeKind.NO_AWARD: _l("No award was made"),
    OutcomeKind.DECIDED: _l("Decided; the results are not published yet"),
    OutcomeKind.CANCELLED: _l("The challenge was cancelled"),
}
AWARD_LABELS = {
    AwardLabel.WINNER: _l("Winner"),
    AwardLabel.RUNNER_UP: _l("Runner-up"),
    AwardLabel.HONOURABLE_MENTION: _l("Honourable mention"),
    AwardLabel.SHORTLISTED: _l("Shortlisted"),
}


class ResultsForm(Form):
    summary = TextAreaField(
        _l("Summary of the results"),
        validators=[DataRequired(), Length(max=MAX_SUMMARY)],
        description=_l("Public. Markdown: how the proposals were reviewed and what was decided."),
    )

    proposal_ids: tuple[int, ...] = ()

    def rows(self) -> list[tuple[int, BooleanField, QuickSelectField, TextAreaField]]:
        """(proposal id, include, award, citation) per submitted proposal, in the form's order."""
        return [
            (proposal_id, self[f"include_{proposal_id}"], self[f"award_{proposal_id}"], self[f"citation_{proposal_id}"])
            for proposal_id in self.proposal_ids
        ]

    def entries(self) -> list[EntryChoice]:
        return [
            EntryChoice(proposal_id, AwardLabel(award.data), citation.data or "")
            for proposal_id, include, award, citation in self.rows()
            if include.data
        ]


def results_form_for(proposals: list[Proposal], **kwargs) -> ResultsForm:
    """A ResultsForm with one row per proposal the results may name; the rows are the server's, never the client's."""

    class _ChallengeResultsForm(ResultsForm):
        pass

    award_choices = select_choices((award.value, label) for award, label in AWARD_LABELS.items())
    for proposal in proposals:
        setattr(_ChallengeResultsForm, f"include_{proposal.id}", BooleanField(_l("Name in the results")))
        setattr(
            _ChallengeResultsForm,
            f"award_{proposal.id}",
            QuickSelectField(_l("Award"), choices=award_choices, default=AwardLabel.SHORTLISTED.value),
        )
        setattr(
            _ChallengeResultsForm,
            f"citation_{proposal.id}",
            TextAreaField(
                _l("Citation"),
                validators=[Optional(), Length(max=MAX_CITATION)],
                description=_l("Public: why the jury names this proposal."),
            ),
        )
    _ChallengeResultsForm.proposal_ids = tuple(proposal.id for proposal in proposals)
    return _ChallengeResultsForm(**kwargs)
