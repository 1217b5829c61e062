"""The CSV export on PostgreSQL: each batch of responses written by the server itself, `COPY (SELECT …) TO STDOUT
WITH (FORMAT csv)`, byte for byte the file app.web.exports.csv_chunks writes from the same rows.

What csv_chunks does in Python is done here in the SELECT:
  - each option's cell (its label through exports.cell, a rating as its number) is computed once in Python and
    bound as a parameter the query picks by option id;
  - a written answer or a void reason goes through exports.text_cell's rule in SQL (`text_cell_sql`: a leading
    = + - @ tab or CR gets a single quote, the characters XML cannot carry are dropped — NUL and lone surrogates
    cannot be stored in PostgreSQL text at all);
  - an empty cell is NULL, so COPY leaves it unquoted as Python's csv module does (COPY would write "" for an
    empty string); COPY quotes a field for the same characters as the csv module (comma, quote, CR, LF) and ends
    records with LF where the csv module writes CR LF, which `crlf_records` puts back outside quoted fields.
"""
from collections.abc import Callable, Iterator

from sqlalchemy import String, case, func, literal, null, select
from sqlalchemy.dialects import postgresql

from app.surveys.models import SurveyAnswer, SurveyResponse
from app.web import exports

CHUNK = 64 * 1024  # bytes per yielded piece of the file
# app.web.text.XML_ILLEGAL as a PostgreSQL regular expression; PostgreSQL text holds neither NUL nor surrogates.
ILLEGAL = "[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def text_cell_sql(value):
    """exports.text_cell in SQL, with NULL for an empty result."""
    cleaned = func.regexp_replace(value, literal(ILLEGAL), literal(""), literal("g"))
    neutralised = case((func.left(value, 1).in_(exports.FORMULA_STARTS), literal("'") + cleaned), else_=cleaned)
    return func.nullif(neutralised, literal(""))


def _cell_text(value) -> str | None:
    """A prepared cell as COPY must write it: its text, None (NULL) when empty."""
    text = str(value)
    return text or None


def batch_copy(survey_id: int, plan: list, option_cells: dict, first: int, last: int):
    """The SELECT of the responses with an id from `first` to `last`, every column already its CSV text."""
    answers = SurveyAnswer.__table__
    grouped_columns = []
    for question, option in plan:
        if option is not None:
            grouped_columns.append(func.max(case((answers.c.option_id == option.id, literal(1)),
                                                 (answers.c.question_id == question.id, literal(0)))))
        elif question.kind.has_options:
            grouped_columns.append(func.max(case((answers.c.question_id == question.id, answers.c.option_id))))
        else:
            grouped_columns.append(func.max(case((answers.c.question_id == question.id, answers.c.text))))
    grouped = (select(answers.c.response_id, *(column.label(f"c{n}") for n, column in enumerate(grouped_columns)))
               .where(answers.c.response_id >= first, answers.c.response_id <= last, answers.c.response_id.in_(
                   select(SurveyResponse.id).where(SurveyResponse.survey_id == survey_id, SurveyResponse.id >= first,
                                                   SurveyResponse.id <= last)))
               .group_by(answers.c.response_id).subquery("grouped"))
    cells = []
    for n, (question, option) in enumerate(plan):
        column = grouped.c[f"c{n}"]
        if option is not None:
            cells.append(column)
        elif question.kind.has_options:
            choices = [(column == choice.id, literal(_cell_text(option_cells[choice.id]), String))
                       for choice in question.options if _cell_text(option_cells[choice.id]) is not None]
            cells.append(case(*choices, else_=null()) if choices else null())
        else:
            cells.append(text_cell_sql(column))
    responses = SurveyResponse.__table__
    submitted = func.to_char(func.timezone("UTC", responses.c.submitted_at), 'YYYY-MM-DD"T"HH24:MI:SS') + "+00:00"
    return (select(responses.c.id, submitted, responses.c.channel,
                   case((responses.c.voided_at.is_(None), literal(0)), else_=literal(1)),
                   text_cell_sql(responses.c.void_reason), *cells)
            .select_from(responses.outerjoin(grouped, grouped.c.response_id == responses.c.id))
            .where(responses.c.survey_id == survey_id, responses.c.id >= first, responses.c.id <= last)
            .order_by(responses.c.id))


def crlf_records(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """COPY's LF record ends as CR LF; a line break inside a quoted field stays as written. Outside and inside a
    field alternate at every '"' (a quote inside a field is doubled, so it switches twice)."""
    inside = False
    for chunk in chunks:
        parts = bytes(chunk).split(b'"')
        for index in range(1 if inside else 0, len(parts), 2):
            parts[index] = parts[index].replace(b"\n", b"\r\n")
        inside = inside != (len(parts) % 2 == 0)
        yield b'"'.join(parts)


def _joined(chunks: Iterator[bytes], size: int = CHUNK) -> Iterator[bytes]:
    """COPY hands over one row at a time: yielded in pieces of about `size` bytes instead."""
    pending: list[bytes] = []
    length = 0
    for chunk in chunks:
        pending.append(chunk)
        length += len(chunk)
        if length >= size:
            yield b"".join(pending)
            pending, length = [], 0
    if pending:
        yield b"".join(pending)


def csv_chunks(session, survey_id: int, header: list, plan: list, option_cells: dict, batch: int,
               progress: Callable[[int], None] | None) -> Iterator[bytes]:
    """The BOM and header as csv_chunks writes them, then one COPY per batch of responses."""
    yield from exports.csv_chunks([header], prepared=True)
    cursor = session.connection().connection.driver_connection.cursor()  # the session's transaction
    dialect = postgresql.dialect(paramstyle="pyformat")
    after = written = 0
    while True:
        ids = (select(SurveyResponse.id).where(SurveyResponse.survey_id == survey_id, SurveyResponse.id > after)
               .order_by(SurveyResponse.id).limit(batch).subquery())
        first, last, count = session.execute(select(func.min(ids.c.id), func.max(ids.c.id), func.count())).one()
        if not count:
            return
        compiled = batch_copy(survey_id, plan, option_cells, first, last).compile(
            dialect=dialect, compile_kwargs={"render_postcompile": True})
        with cursor.copy(f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv)", compiled.params) as copy:
            yield from _joined(crlf_records(iter(copy)))
        after = last
        written += count
        if progress is not None:
            progress(written)

