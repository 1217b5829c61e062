"""The tips services' refusals as the shared view helper (`app.web.actions.act`) expects them."""
from collections.abc import Callable
from typing import Any

from app.errors import ActionRefused
from app.tips import services


def as_refusal(action: Callable[[], Any], *, shown_at: str | None = None) -> Callable[[], Any]:
    """`action`, with a TipError that is not yet an ActionRefused raised as one (same message and field);
    `shown_at`, when given, is the field a refusal is shown beside, whichever it named."""
    def run():
        try:
            return action()
        except ActionRefused as error:
            error.field = shown_at or error.field
            raise
        except services.TipError as error:
            raise ActionRefused(str(error), field=shown_at or error.field) from error
    return run
