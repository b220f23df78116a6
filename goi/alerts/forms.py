"""The forms of saved searches: saving one (its filters are read by the challenge list's own form), renaming one."""

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from goi.alerts.criteria import Criteria
from goi.alerts.services import NAME_LENGTH
from goi.challenges.browse_form import BrowseForm
from goi.core.forms import Form


class SaveSearchForm(Form):
    """The button under a list or a search; the filters travel as the list's own fields, next as the page."""

    next = HiddenField()


class RenameForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_LENGTH)])


def read_criteria(arguments) -> tuple[Criteria, list[str]]:
    """The criteria of a search from the challenge list's fields in arguments (a query string or a form), and the
    labels of the filters whose values could not be read."""
    filters, ignored = BrowseForm(
        arguments if isinstance(arguments, MultiDict) else MultiDict(arguments)
    ).validated_filters()
    return Criteria.from_filters(filters), ignored
