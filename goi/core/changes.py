"""What a flush is about to write, for session listeners."""

from collections.abc import Collection

from sqlalchemy import inspect


def has_column_changes(obj, ignored: Collection[str] = ()) -> bool:
    """Whether a pending object has a changed column other than the ignored ones."""
    state = inspect(obj)
    for attribute in state.mapper.column_attrs:
        if attribute.key in ignored:
            continue
        if state.attrs[attribute.key].history.has_changes():
            return True
    return False
