"""The refusals of tip actions: for the user (already translated), beside the form field they are about."""
from app.errors import ActionRefused, NotPermitted, StepNotAllowed


class TipError(ActionRefused):
    """A tip action that cannot be done; the message is for the user, `field` the form field it is about."""


class TipNotPermitted(TipError, NotPermitted):
    """Not this actor's to do: another bureau's tip, an office step, a step that is the reporter's own."""


class TipStepNotAllowed(TipError, StepNotAllowed):
    """A step the tip's state does not allow."""
