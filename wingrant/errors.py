"""Domain errors. Their message is German (through Babel) and safe to show a user."""


class DomainError(Exception):
    """A rule of the domain refused an operation; nothing was written."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        #: The form field the message belongs to, if any.
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class NotAllowed(DomainError):
    """The acting user may not do this."""


class Conflict(DomainError):
    """The operation is sound but the current state refuses it (money no longer there, say): the API
    answers 409, not 422, because resending the same body will not help until the state changes."""
