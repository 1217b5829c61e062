"""The tips services' refusals as the shared view helper (`app.web.actions.act`) expects them."""
from collections.abc import Callable
from typing import Any

from app.errors import ActionRefused
from app.tips import services


def as_refusal(action: Callable[[], Any]) -> Callable[[], Any]:
    """`action`, with a TipError that is not yet an ActionRefused raised as one (same message and field)."""
    def run():
        try:
            return action()
        except services.TipError as error:
            if isinstance(error, ActionRefused):
                raise
            raise ActionRefused(str(error), field=error.field) from error
    return run
