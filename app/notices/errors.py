"""The refusals of the notices domain, in the shared error hierarchy (app.errors)."""
from app.errors import ActionRefused, NotPermitted, StepNotAllowed


class NoticeError(ActionRefused):
    """A notice action that cannot be done; the message is for the user.

    `refused` names the audit action of a refusal for want of permission (None for other refusals)."""

    refused: str | None = None


class NoticeNotPermitted(NoticeError, NotPermitted):
    """The actor may not do this to this notice: audited under `refused` (notices.review_denied…)."""

    def __init__(self, message: str, refused: str):
        super().__init__(message)
        self.refused = refused


class NoticeStepNotAllowed(NoticeError, StepNotAllowed):
    """The step does not lead anywhere from the notice's (or the change's) state."""
