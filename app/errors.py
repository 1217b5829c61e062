"""The one error hierarchy of the domains' services. A view catches `ActionRefused`, rolls back, and shows the
message (for the user, already translated) beside `field`, or above the form when it names none."""


class ActionRefused(Exception):
    """An action the rules do not allow now: bad input, a wrong state, a deadline passed."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field

    @property
    def message(self) -> str:
        return str(self)


class NotPermitted(ActionRefused):
    """The actor may not do this at all (not their bureau's case, not their role): audited where refused."""


class StepNotAllowed(ActionRefused):
    """The step does not lead anywhere from the case's state."""
