"""Response exports, streamed in constant memory: one row per response, one column per question, a multiple
choice question as one 0/1 column per option. Responses are read in keyset batches, never all at once, and the
database groups each batch's answers into one row per response (app.surveys.export_rows).
Cells go through app.web.exports: a respondent's text is never a formula, a 0–10 rating is a number."""
import os
import tempfile
from collections.abc import Callable, Iterator

from app.surveys import export_copy, export_rows
from app.surveys.models import QuestionKind, ResponseChannel
from app.surveys.services import ordered_questions
from app.web import exports

BATCH = 5000
XLSX_MIMETYPE = exports.XLSX_MIMETYPE
CSV_CONTENT_TYPE = exports.CSV_CONTENT_TYPE


def _rating(label: str):
    """A 0–10 rating's label as the number it is (labels are "0"…"10"; an edited label stays text)."""
    return int(label) if label.isascii() and label.isdigit() else label


RESPONSE_COLUMNS = ("response_id", "submitted_at", "channel", "voided", "void_reason")
_UNKNOWN = (None, None, ())  # an option no longer in the survey: written nowhere


def _as_is(value):
    return value


def columns(survey) -> tuple[list[str], list]:
    """Header labels and, per data column, (question, option or None)."""
    header = list(RESPONSE_COLUMNS)
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


def _option_value(question, option):
    """What the choice of an option of a single-answer question exports as: its label, a rating's as a number."""
    label = option.label_zh_hans
    return _rating(label) if question.kind == QuestionKind.RATING else label


def _decoder(plan: list, prepare: Callable) -> tuple[dict, list[int]]:
    """What each chosen option id (as text) writes: (its column, its value, the columns of its multiple-choice
    question that read 0 unless chosen); and the column of each text question, in query order."""
    chosen = {}
    texts = []
    for column, (question, option) in enumerate(plan, start=len(RESPONSE_COLUMNS)):
        if option is not None:
            siblings = tuple(c for c, (q, _o) in enumerate(plan, start=len(RESPONSE_COLUMNS)) if q is question)
            chosen[str(option.id)] = (column, prepare(1), siblings)
        elif question.kind.has_options:
            for choice in question.options:
                chosen[str(choice.id)] = (column, prepare(_option_value(question, choice)), ())
        else:
            texts.append(column)
    return chosen, texts


def _rows(session, survey, progress: Callable[[int], None] | None, prepare: Callable) -> Iterator[list]:
    header, plan = columns(survey)
    yield [prepare(label) for label in header]
    chosen, texts = _decoder(plan, prepare)
    blank = [""] * len(header)
    after = written = 0
    no_answers = (None,) * (1 + len(texts))
    channels = {channel: prepare(channel) for channel in ResponseChannel}
    connection = session.connection()  # Core rows: the ORM's result handling would cost a fifth of the time
    while True:
        batch = connection.execute(export_rows.responses(survey.id, after, BATCH)).all()
        if not batch:
            return
        answers = {response_id: grouped for response_id, *grouped in connection.execute(
            export_rows.grouped_answers(survey.id, plan, batch[0][0], batch[-1][0]))}
        for response_id, submitted_at, channel, voided_at, void_reason in batch:
            options, *written_answers = answers.get(response_id, no_answers)
            row = blank.copy()
            row[:5] = (response_id, export_rows.submitted_iso(submitted_at), channels[channel],
                       1 if voided_at else 0, prepare(void_reason) if void_reason else "")
            if options:
                for option_id in options.split(export_rows.SEPARATOR):
                    column, value, siblings = chosen.get(option_id, _UNKNOWN)
                    for sibling in siblings:
                        if row[sibling] == "":
                            row[sibling] = 0
                    if column is not None:
                        row[column] = value
            for column, text in zip(texts, written_answers):
                if text is not None:
                    row[column] = prepare(text)
            yield row
        after = batch[-1][0]
        written += len(batch)
        if progress is not None:
            progress(written)


def rows(session, survey, progress: Callable[[int], None] | None = None) -> Iterator[list]:
    """The header, then every response in id order, BATCH at a time, as plain values (a rating as its number);
    `progress(n)` is told the number of responses written after each batch (a background export's progress bar)."""
    return _rows(session, survey, progress, _as_is)


def csv_chunks(session, survey, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The CSV, each value made a cell by exports.cell — every option's label once, not once per row; on
    PostgreSQL written by the server (COPY, app.surveys.export_copy), the same bytes."""
    if session.get_bind().dialect.name == "postgresql":
        header, plan = columns(survey)
        option_cells = {choice.id: exports.cell(_option_value(question, choice))
                        for question, option in plan if option is None and question.kind.has_options
                        for choice in question.options}
        return export_copy.csv_chunks(session, survey.id, [exports.cell(label) for label in header], plan,
                                      option_cells, BATCH, progress)
    return exports.csv_chunks(_rows(session, survey, progress, exports.cell), prepared=True)


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
