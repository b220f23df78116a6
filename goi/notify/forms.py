"""The notification settings form: one channel per kind."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField

from goi.core.forms import Form, select_choices
from goi.notify.kinds import KINDS
from goi.notify.models import Channel

CHANNEL_LABELS = {
    Channel.IN_APP: _l("In the app"),
    Channel.EMAIL: _l("Email"),
    Channel.BOTH: _l("Both"),
    Channel.DIGEST: _l("Daily digest"),
}


def _field(kind) -> RadioField:
    channels = [c for c in Channel if kind.email_allowed or c == Channel.IN_APP]
    return RadioField(
        kind.label,
        choices=select_choices([(c.value, CHANNEL_LABELS[c]) for c in channels]),
        default=kind.default.value,
    )


class PreferencesForm(Form):
    """Built from KINDS, so a new kind appears here by itself."""

    def load(self, chosen: dict) -> None:
        for code, kind in KINDS.items():
            self[code].data = chosen.get(code, kind.default).value

    def channels(self) -> dict[str, str]:
        return {code: self[code].data for code in KINDS}


for _code, _kind in KINDS.items():
    setattr(PreferencesForm, _code, _field(_kind))
