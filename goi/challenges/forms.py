"""Challenge forms: the challenge itself, addenda, questions and answers, state actions, browsing filters."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FormField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from goi.challenges import services
from goi.challenges.models import BudgetKind, Challenge, ChallengeOutcome, SolverKind
from goi.core import clock
from goi.core.forms import Form, MultiCheckboxField, PlainForm, QuickSelectField, RupiahField, select_choices
from goi.data import regions, taxonomy
from goi.orgs.models import Organization

SOLVER_KIND_LABELS = {
    SolverKind.INDUSTRY: _l("Industry and startups"),
    SolverKind.ACADEMIA: _l("Universities and research institutes"),
    SolverKind.COMMUNITY: _l("Communities"),
    SolverKind.CITIZEN: _l("Individual citizens"),
    SolverKind.INVESTOR: _l("Investors"),
}
BUDGET_KIND_LABELS = {BudgetKind.BUDGET: _l("Budget"), BudgetKind.PRIZE: _l("Prize")}
OUTCOME_LABELS = {ChallengeOutcome.AWARDED: _l("Awarded"), ChallengeOutcome.NOT_AWARDED: _l("Not awarded")}
# Room for the largest rubric; rows left empty are ignored.
CRITERIA_ROWS = services.MAX_CRITERIA
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
TIMELINE_FIELDS = ("opens_at", "closes_at", "review_until", "decision_at")


def current_locale() -> str:
    return str(get_locale() or taxonomy.DEFAULT_LOCALE)


def local_to_utc(moment: datetime | None, zone_name: str) -> datetime | None:
    """A naive wall-clock time of the zone as an aware UTC datetime."""
    if moment is None:
        return None
    return moment.replace(tzinfo=ZoneInfo(zone_name)).astimezone(UTC)


def utc_to_local(moment: datetime | None, zone_name: str) -> datetime | None:
    """An aware datetime as the naive wall-clock time of the zone, for a datetime-local input."""
    if moment is None:
        return None
    return clock.in_zone(moment, zone_name).replace(tzinfo=None)


class CriterionForm(PlainForm):
    name = StringField(_l("Criterion"), validators=[Optional(), Length(max=120)])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=1000)])
    weight = IntegerField(_l("Weight"), validators=[Optional(), NumberRange(min=0, max=100)])

    @property
    def is_empty(self) -> bool:
        return not (self.name.data or "").strip() and not (self.description.data or "").strip() and not self.weight.data


class CriteriaMixin:
    """A fixed block of criterion rows; the service checks count, names and the total of 100."""

    def load_criteria(self, criteria: list[dict]) -> None:
        while self.criteria.entries:
            self.criteria.pop_entry()
        for criterion in criteria:
            self.criteria.append_entry(criterion)
        while len(self.criteria.entries) < CRITERIA_ROWS:
            self.criteria.append_entry()

    def criteria_values(self) -> list[dict]:
        return [
            {
                "name": (row.form.name.data or "").strip(),
                "description": (row.form.description.data or "").strip(),
                "weight": row.form.weight.data or 0,
            }
            for row in self.criteria.entries
            if not row.form.is_empty
        ]

    @property
    def criteria_weight_total(self) -> int:
        return sum(row["weight"] for row in self.criteria_values())


def _datetime_field(label, required: bool = False) -> DateTimeLocalField:
    validators = [InputRequired()] if required else [Optional()]
    return DateTimeLocalField(label, validators=validators, format=DATETIME_FORMATS)


class ChallengeForm(CriteriaMixin, Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(
        _l("Summary"),
        validators=[DataRequired(), Length(max=300)],
        description=_l("At most 300 characters; shown in lists and search results."),
    )
    problem = TextAreaField(
        _l("Problem statement"), validators=[Optional(), Length(max=20000)], description=_l("Markdown is supported.")
    )
    context = TextAreaField(
        _l("Context"), validators=[Optional(), Length(max=20000)], description=_l("Markdown is supported.")
    )
    outcomes = TextAreaField(
        _l("Expected outcomes"), validators=[Optional(), Length(max=20000)], description=_l("Markdown is supported.")
    )
    sector = QuickSelectField(_l("Sector"), validators=[DataRequired()])
    dimension = QuickSelectField(_l("Smart-city dimension"), validators=[Optional()])
    sdgs = MultiCheckboxField(_l("Sustainable Development Goals"), coerce=int, validators=[Optional()])
    province_code = QuickSelectField(_l("Province"), validators=[Optional()])
    regency_code = QuickSelectField(_l("Regency or city"), validators=[Optional()])
    metro_code = QuickSelectField(
        _l("Metropolitan area"),
        validators=[Optional()],
        description=_l("For a joint challenge of a metropolitan area, instead of or besides a province."),
    )
    co_owner_ids = MultiCheckboxField(
        _l("Co-owner organizations"),
        coerce=int,
        validators=[Optional()],
        description=_l("Other verified governments that own this challenge with you."),
    )
    budget_kind = QuickSelectField(
        _l("Kind of funding"),
        choices=select_choices([(kind.value, label) for kind, label in BUDGET_KIND_LABELS.items()]),
        default=BudgetKind.BUDGET.value,
    )
    budget_min = RupiahField(_l("From (Rp)"), validators=[Optional()])
    budget_max = RupiahField(_l("Up to (Rp)"), validators=[Optional()])
    prize_amount = RupiahField(_l("Prize or award (Rp)"), validators=[Optional()])
    prize_description = StringField(
        _l("Prize or award, in words"),
        validators=[Optional(), Length(max=160)],
        description=_l("Optional, apart from the budget: for example “Pilot contract + Rp 50 juta”."),
    )
    trl = IntegerField(
        _l("Technology readiness level (TRL)"),
        validators=[Optional(), NumberRange(min=1, max=9)],
        description=_l("1 to 9; leave empty when any level is welcome."),
    )
    eligible_kinds = MultiCheckboxField(
        _l("Who may apply"),
        choices=select_choices([(kind.value, label) for kind, label in SOLVER_KIND_LABELS.items()]),
        default=[kind.value for kind in SolverKind],
    )
    consortium_required = BooleanField(_l("A consortium is required"))
    opens_at = _datetime_field(_l("Opens"), required=True)
    closes_at = _datetime_field(_l("Deadline"), required=True)
    review_until = _datetime_field(_l("Review until"))
    decision_at = _datetime_field(_l("Decision"))
    score_scale = QuickSelectField(
        _l("Score scale"),
        coerce=int,
        choices=select_choices([(5, _l("1 to 5")), (10, _l("1 to 10"))]),
        default=5,
    )
    is_sealed = BooleanField(
        _l("Sealed: proposals stay hidden from everyone but their team until the deadline"), default=True
    )
    criteria = FieldList(FormField(CriterionForm), min_entries=CRITERIA_ROWS, max_entries=CRITERIA_ROWS + 10)

    def __init__(self, *args, co_owner_candidates: list[Organization] = (), **kwargs):
        super().__init__(*args, **kwargs)
        locale = current_locale()
        self.sector.choices = select_choices([("", _l("— choose —")), *taxonomy.sector_choices(locale)])
        self.dimension.choices = select_choices([("", _l("— not set —")), *taxonomy.dimension_choices(locale)])
        self.sdgs.choices = select_choices(taxonomy.sdg_choices(locale))
        self.province_code.choices = select_choices([("", _l("— not set —")), *regions.province_choices()])
        self.regency_code.choices = select_choices([("", _l("— whole province —")), *regions.regency_choices()])
        self.metro_code.choices = select_choices(
            [("", _l("— none —")), *((metro.code, metro.name) for metro in regions.metros())]
        )
        self.co_owner_ids.choices = select_choices((org.id, org.name) for org in co_owner_candidates)
        self.criteria_errors: list[str] = []

    @property
    def zone_name(self) -> str:
        """The zone the timeline fields are entered in: the submitted (or loaded) region's."""
        return services.region_timezone(
            self.province_code.data or None, self.regency_code.data or None, self.metro_code.data or None
        )

    @property
    def zone_abbreviation(self) -> str:
        return regions.zone_abbreviation(self.zone_name)

    def validate_regency_code(self, field) -> None:
        if field.data:
            place = regions.regency(field.data)
            if place is None or place.province_code != self.province_code.data:
                raise ValidationError(_l("Choose a regency or city in the chosen province."))

    def validate_province_code(self, field) -> None:
        if not field.data and not self.metro_code.data:
            raise ValidationError(_l("Choose a province (and regency or city) or a metropolitan area."))

    def validate_budget_max(self, field) -> None:
        if field.data is not None and self.budget_min.data is not None and self.budget_min.data > field.data:
            raise ValidationError(_l("The highest amount is below the lowest."))

    def validate_eligible_kinds(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one kind of solver who may apply."))

    def validate_closes_at(self, field) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The deadline must come after the opening."))

    def load_defaults(self, organization: Organization) -> None:
        """A new challenge: the organization's region and the default rubric."""
        self.province_code.data = organization.province_code or ""
        self.regency_code.data = organization.regency_code or ""
        self.load_criteria(services.default_criteria())

    def load(self, challenge: Challenge) -> None:
        """Fill the form from a draft for editing, times in the challenge's zone."""
        self.title.data = challenge.title
        self.summary.data = challenge.summary
        for part in ("problem", "context", "outcomes"):
            getattr(self, part).data = getattr(challenge, f"{part}_source")
        self.sector.data = challenge.sector
        self.dimension.data = challenge.dimension or ""
        self.sdgs.data = challenge.sdg_list
        self.province_code.data = challenge.province_code or ""
        self.regency_code.data = challenge.regency_code or ""
        self.metro_code.data = challenge.metro_code or ""
        self.co_owner_ids.data = [row.organization_id for row in challenge.co_owners]
        self.budget_kind.data = challenge.budget_kind.value
        self.budget_min.data = challenge.budget_min
        self.budget_max.data = challenge.budget_max
        self.prize_amount.data = challenge.prize_amount
        self.prize_description.data = challenge.prize_description or ""
        self.trl.data = challenge.trl
        self.eligible_kinds.data = [kind.value for kind in challenge.eligible_kinds]
        self.consortium_required.data = challenge.consortium_required
        for name in TIMELINE_FIELDS:
            getattr(self, name).data = utc_to_local(getattr(challenge, name), challenge.timezone)
        self.score_scale.data = challenge.score_scale
        self.is_sealed.data = challenge.is_sealed
        self.load_criteria(
            [{"name": c.name, "description": c.description, "weight": c.weight} for c in challenge.criteria]
        )

    def values(self) -> dict:
        zone = self.zone_name
        return {
            "title": self.title.data,
            "summary": self.summary.data,
            "problem": self.problem.data or "",
            "context": self.context.data or "",
            "outcomes": self.outcomes.data or "",
            "sector": self.sector.data,
            "dimension": self.dimension.data or None,
            "sdgs": list(self.sdgs.data or []),
            "province_code": self.province_code.data or None,
            "regency_code": self.regency_code.data or None,
            "metro_code": self.metro_code.data or None,
            "co_owner_ids": list(self.co_owner_ids.data or []),
            "budget_kind": BudgetKind(self.budget_kind.data),
            "budget_min": self.budget_min.data,
            "budget_max": self.budget_max.data,
            "prize_amount": self.prize_amount.data,
            "prize_description": self.prize_description.data or "",
            "trl": self.trl.data,
            "eligible_kinds": [SolverKind(kind) for kind in self.eligible_kinds.data or []],
            "consortium_required": self.consortium_required.data,
            **{name: local_to_utc(getattr(self, name).data, zone) for name in TIMELINE_FIELDS},
            "score_scale": self.score_scale.data,
            "is_sealed": self.is_sealed.data,
            "criteria": self.criteria_values(),
        }


class AddendumForm(CriteriaMixin, Form):
    summary = TextAreaField(
        _l("What changes"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("Announced to followers and registered solvers."),
    )
    closes_at = _datetime_field(_l("New deadline"))
    review_until = _datetime_field(_l("New end of review"))
    decision_at = _datetime_field(_l("New decision date"))
    problem = TextAreaField(_l("Problem statement"), validators=[Optional(), Length(max=20000)])
    context = TextAreaField(_l("Context"), validators=[Optional(), Length(max=20000)])
    outcomes = TextAreaField(_l("Expected outcomes"), validators=[Optional(), Length(max=20000)])
    criteria = FieldList(FormField(CriterionForm), min_entries=CRITERIA_ROWS, max_entries=CRITERIA_ROWS + 10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria_errors: list[str] = []

    def load(self, challenge: Challenge) -> None:
        for part in ("problem", "context", "outcomes"):
            getattr(self, part).data = getattr(challenge, f"{part}_source")
        self.load_criteria(
            [{"name": c.name, "description": c.description, "weight": c.weight} for c in challenge.criteria]
        )

    def changes(self, challenge: Challenge) -> dict:
        """What the service is asked to change; empty dates and unchanged text change nothing."""
        zone = challenge.timezone
        changes: dict = {name: local_to_utc(getattr(self, name).data, zone) for name in TIMELINE_FIELDS[1:]}
        for part in ("problem", "context", "outcomes"):
            changes[part] = getattr(self, part).data or ""
        changes["criteria"] = self.criteria_values()
        return changes


class QuestionForm(Form):
    body = TextAreaField(_l("Your question"), validators=[DataRequired(), Length(max=4000)])


class AnswerForm(Form):
    answer = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(max=10000)])
    publish = BooleanField(_l("Publish question and answer to everyone"), default=True)


class CancelForm(Form):
    reason = TextAreaField(
        _l("Public reason"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("Shown on the challenge page."),
    )


class DecideForm(Form):
    outcome = QuickSelectField(
        _l("Outcome"), choices=select_choices([(outcome.value, label) for outcome, label in OUTCOME_LABELS.items()])
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])


class DocumentForm(Form):
    document = FileField(
        _l("Document"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l("PDF, Word, Excel, PowerPoint, OpenDocument, PNG or JPEG."),
    )


class CoverForm(Form):
    cover = FileField(
        _l("Cover image"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l("JPEG, PNG or WebP. Shown at the top of the challenge page and when its link is shared."),
    )
    alt = StringField(
        _l("Description of the image"),
        validators=[Optional(), Length(max=200)],
        description=_l("For people who cannot see it; the challenge's title when left empty."),
    )
