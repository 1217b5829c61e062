"""Response exports, streamed in constant memory: one row per response, one column per question, a multiple
choice question as one 0/1 column per option. Responses are read in keyset batches, never all at once, and the
database groups each batch's answers into one row per response (conditional aggregation, app.surveys.export_rows).
Cells go through app.web.exports: a respondent's text is never a formula, a 0–10 rating is a number."""
import os
import tempfile
from collections.abc import Callable, Iterator

from app.surveys import export_rows
from app.surveys.models import QuestionKind
from app.surveys.services import ordered_questions
from app.web import exports

BATCH = 5000
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


def _option_values(survey) -> dict:
    """What a chosen option of a single-answer question exports as: its label, a rating's as a number."""
    return {option.id: _rating(option.label_zh_hans) if question.kind == QuestionKind.RATING
            else option.label_zh_hans
            for question in ordered_questions(survey) for option in question.options}


def rows(session, survey, progress: Callable[[int], None] | None = None) -> Iterator[list]:
    """The header, then every response in id order, BATCH at a time; `progress(n)` is told the number of
    responses written after each batch (a background export's progress bar)."""
    header, plan = columns(survey)
    yield header
    kinds = [export_rows.column_kind(question, option) for question, option in plan]
    values = _option_values(survey)
    after = written = 0
    while True:
        batch = session.execute(export_rows.batch_query(survey.id, plan, after, BATCH)).all()
        if not batch:
            return
        for record in batch:
            row = [record[0], record[1].isoformat(timespec="seconds"), record[2], 1 if record[3] else 0, record[4]]
            for kind, value in zip(kinds, record[5:]):
                if value is None:
                    row.append("")
                elif kind == export_rows.OPTION:
                    row.append(values.get(value, ""))
                else:  # 0/1 of a multiple-choice option, or a written answer
                    row.append(value)
            yield row
        after = batch[-1][0]
        written += len(batch)
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
