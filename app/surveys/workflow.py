"""The life of a survey: a pure transition table (app.workflow.Transitions).

draft → open → closed → open again (reopened) or archived. Each step is named after the state it leads to, as
the back office's buttons and the audit entries (surveys.open, surveys.closed, surveys.archived) name it."""
from flask_babel import lazy_gettext as _l

from app.enums import TitledEnum
from app.surveys.models import SurveyState
from app.workflow import TransitionError, Transitions  # noqa: F401 (TransitionError: part of this API)


class SurveyStep(TitledEnum):
    """A step, titled as its button is."""

    OPEN = "open", _l("Open for answers")
    CLOSE = "closed", _l("Close")
    ARCHIVE = "archived", _l("Archive")

    @property
    def target(self) -> SurveyState:
        return SurveyState(self.value)


TRANSITIONS = Transitions({
    (SurveyState.DRAFT, SurveyStep.OPEN): SurveyState.OPEN,
    (SurveyState.OPEN, SurveyStep.CLOSE): SurveyState.CLOSED,
    (SurveyState.CLOSED, SurveyStep.OPEN): SurveyState.OPEN,
    (SurveyState.CLOSED, SurveyStep.ARCHIVE): SurveyState.ARCHIVED,
})


def allowed_steps(state: SurveyState) -> list[SurveyStep]:
    """The steps a survey in `state` may take, in the order the back office shows their buttons."""
    return sorted(TRANSITIONS.allowed_steps(state))
