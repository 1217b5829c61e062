"""Response exports, streamed in constant memory: one row per response, one column per question, a multiple
choice question as one 0/1 column per option. Responses are read in keyset batches, never all at once.
Cells go through app.web.exports: a respondent's text is never a formula, a 0–10 rating is a number."""
import os
import tempfile
from collections.abc import Callable, Iterator

from sqlalchemy import select

from app.surveys.models import QuestionKind, SurveyAnswer, SurveyResponse
from app.surveys.services import ordered_questions
from app.web import exports

BATCH = 2000
XLSX_MIMETYPE = exports.XLSX_MIMETYPE
CSV_CONTENT_TYPE = exports.CSV_CONTENT_TYPE


def _rating(label: str):
    """A 0–10 rating's label as the number it is (labels are "0"…"10"; an edited label stays text)."""
    return int(label) if label.isascii() and label.isdigit() else label


def columns(survey) -> tuple[list[str], list]:
    """Header labels and, per data column, (question, option or None)."""
    header = ["response_id", "submitted_at", "channel", "voided", "void_reason"]
    plan = []
    for question in ordered_questions(survey):
        if question.kind == QuestionKind.MULTIPLE:
            for option in question.options:
                header.append(f"{question.code}_{option.position} {option.label_zh_hans}")
                plan.append((question, option))
        else:
            header.append(question.code)
            plan.append((question, None))
    return header, plan


def rows(session, survey, progress: Callable[[int], None] | None = None) -> Iterator[list]:
    """The header, then every response in id order, fetched BATCH at a time; `progress(n)` is told the number of
    responses written after each batch (a background export's progress bar)."""
    header, plan = columns(survey)
    yield header
    labels = {o.id: o.label_zh_hans for q in ordered_questions(survey) for o in q.options}
    after = written = 0
    while True:
        responses = session.execute(
            select(SurveyResponse.id, SurveyResponse.submitted_at, SurveyResponse.channel, SurveyResponse.voided_at,
                   SurveyResponse.void_reason)
            .where(SurveyResponse.survey_id == survey.id, SurveyResponse.id > after)
            .order_by(SurveyResponse.id).limit(BATCH)).all()
        if not responses:
            return
        answers: dict[int, dict[int, list]] = {}
        for response_id, question_id, option_id, text in session.execute(
                select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.option_id, SurveyAnswer.text)
                .where(SurveyAnswer.response_id.in_([r.id for r in responses]))):
            answers.setdefault(response_id, {}).setdefault(question_id, []).append(
                option_id if option_id is not None else text)
        for response in responses:
            given = answers.get(response.id, {})
            row = [response.id, response.submitted_at.isoformat(timespec="seconds"), response.channel,
                   1 if response.voided_at else 0, response.void_reason]
            for question, option in plan:
                values = given.get(question.id, [])
                if option is not None:
                    row.append(1 if option.id in values else (0 if question.id in given else ""))
                elif question.kind.has_options:
                    label = labels.get(values[0], "") if values else ""
                    row.append(_rating(label) if question.kind == QuestionKind.RATING else label)
                else:
                    row.append(values[0] if values else "")
            yield row
        after = responses[-1].id
        written += len(responses)
        if progress is not None:
            progress(written)


def csv_chunks(session, survey, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    return exports.csv_chunks(rows(session, survey, progress))


def xlsx_chunks(session, survey, chunk_size: int = 64 * 1024,
                progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """openpyxl's write-only mode spills rows to a temporary file; the finished file is streamed and removed."""
    workbook = exports.write_only_workbook()
    sheet = workbook.create_sheet("responses")
    for row in rows(session, survey, progress):
        exports.append(sheet, row)
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        workbook.save(path)
        with open(path, "rb") as stream:
            while chunk := stream.read(chunk_size):
                yield chunk
    finally:
        os.unlink(path)
