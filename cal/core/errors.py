class DomainError(Exception):
    """A rule refused the action; ``message`` is shown to the user as it is.

    ``field`` names the form field the message belongs beside, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
