"""Survey work in the background: a large response export (the same streamed CSV/XLSX, written to a file the person
who asked downloads), and the daily retention duty (`flask survey-retention`)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts.permissions import Permission
from app.jobs.registry import job
from app.jobs.runner import JobError
from app.surveys import exports, queries, services
from app.surveys.models import SurveyResponse

EXPORT = "surveys.export"
FORMATS = ("csv", "xlsx")


def response_count(session, survey) -> int:
    """Every response of the survey, voided ones too (the export lists them)."""
    return session.scalar(select(func.count()).select_from(SurveyResponse)
                          .where(SurveyResponse.survey_id == survey.id)) or 0


@job(EXPORT, title=_l("Survey responses export"), permission=Permission.SURVEYS_MANAGE, attempts=2, timeout=3600)
def export_responses(context, *, survey_id: int, fmt: str) -> dict:
    """Write the survey's export to a file, reporting the responses written, and keep it as the job's result."""
    survey = queries.load_survey(context.session, survey_id)
    if survey is None:
        raise JobError(f"survey {survey_id} no longer exists")
    if fmt not in FORMATS:
        raise JobError(f"unknown export format {fmt!r}")
    total = response_count(context.session, survey)
    context.progress(0, total)
    chunks = exports.csv_chunks if fmt == "csv" else exports.xlsx_chunks
    path = context.temporary_file(f".{fmt}")
    with open(path, "wb") as output:
        for chunk in chunks(context.session, survey, progress=context.progress):
            output.write(chunk)
    context.store_result(path, label=f"survey-{survey.id}-responses.{fmt}", kind=fmt)
    return {"responses": total}


def apply_all_retention(session) -> int:
    """Written answers past each survey's retention period deleted (audited per survey); their number."""
    return sum(services.apply_retention(session, survey) for survey in queries.all_surveys(session))


@job("surveys.retention", title=_l("Survey answers past their retention period"), cron="SURVEY_RETENTION_CRON")
def retention(context) -> dict:
    return {"written_answers_deleted": apply_all_retention(context.session)}
