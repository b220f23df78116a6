"""Domain errors raised by services and shown to the user by views."""


class DomainError(Exception):
    """A business rule was broken; message is translated text for the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The user may not do this to this object."""
