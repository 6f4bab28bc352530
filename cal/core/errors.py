from __future__ import annotations


class DomainError(Exception):
    """A rule refused the action; ``message`` is shown to the user as it is.

    ``field`` names the form field the message belongs beside, when there is one.
    ``fields`` holds every refusal by its field, when a form broke several rules at once
    (DomainError.of), so that all of them are said at once, not one per submission.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.fields = {field: message} if field else {}

    @classmethod
    def of(cls, refusals: dict[str, str]) -> DomainError:
        """One error for several fields' refusals (the first is its message)."""
        field, message = next(iter(refusals.items()))
        error = cls(message, field)
        error.fields = dict(refusals)
        return error
