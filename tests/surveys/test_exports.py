"""The response export's rows, grouped by the database: every cell as a plain per-response reading of the stored
answers gives it, on SQLite and PostgreSQL alike (this file runs on both legs), batch after batch."""
import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, literal, select
from werkzeug.datastructures import MultiDict

from app.db_types import utcnow
from app.surveys import export_copy, exports, services
from app.surveys.answers import read_answers
from app.surveys.models import QuestionKind, ResponseChannel, SurveyAnswer, SurveyResponse
from app.surveys.services import Texts, ordered_questions
from app.web.exports import text_cell
from tests import factories

TRICKY = ("逗号,分号;竖线|制表\t引号\"单引号'反斜杠\\\n第二行\r\n第三行 U+FFFF\uffff结束", "=1+2", "+86 138",
          "-5", "@SUM(A1)", "  空格开头", "中文：建议加强河道治理。")


def _reference_rows(session, survey):
    """The export as the plain reading of each response's answers through the ORM, one response at a time."""
    header, plan = exports.columns(survey)
    yield header
    for response in session.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
                                    .order_by(SurveyResponse.id)):
        given: dict[int, list[SurveyAnswer]] = {}
        for answer in response.answers:
            given.setdefault(answer.question_id, []).append(answer)
        row = [response.id, response.submitted_at.isoformat(timespec="seconds"), response.channel.value,
               1 if response.voided_at else 0, response.void_reason]
        for question, option in plan:
            answers = given.get(question.id, [])
            if option is not None:
                row.append(int(any(a.option_id == option.id for a in answers)) if answers else "")
            elif question.kind.has_options:
                label = next((o.label_zh_hans for o in question.options
                              if answers and o.id == answers[0].option_id), "")
                row.append(int(label) if question.kind == QuestionKind.RATING and label else label)
            else:
                row.append(answers[0].text if answers else "")
        yield row


def _csv(chunks) -> list[list[str]]:
    body = b"".join(chunks)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode()[1:], newline="")))


@pytest.fixture
def survey(session, staff):
    created = factories.survey(session, staff["admin"])
    section = created.sections[0]
    services.add_question(session, staff["admin"], section, kind=QuestionKind.RATING, text=Texts("打几分？"),
                          required=False)
    services.add_question(session, staff["admin"], section, kind=QuestionKind.SHORT_TEXT, text=Texts("称呼"),
                          required=False)
    session.flush()
    session.refresh(created)
    return created


def _submit(session, survey, number, *, multiple=(), rating=None, suggestion=None, name=None):
    district, satisfaction, participation, several, written, score, short = ordered_questions(survey)
    form = MultiDict([(district.field_name, str(district.options[number % 2].id)),
                      (satisfaction.field_name, str(satisfaction.options[number % 5].id)),
                      (participation.field_name, str(participation.options[number % 3].id))])
    for position in multiple:
        form.add(several.field_name, str(several.options[position].id))
    if rating is not None:
        form.add(score.field_name, str(score.options[rating].id))
    if suggestion is not None:
        form.add(written.field_name, suggestion)
    if name is not None:
        form.add(short.field_name, name)
    answers = read_answers(ordered_questions(survey), form)
    assert answers.valid, answers.errors
    return services.submit_response(session, survey, ordered_questions(survey), answers,
                                    channel=ResponseChannel.WEB, submission_key=f"export-{number}", locale="zh_Hans")


@pytest.fixture
def answered(session, staff, survey):
    """Responses covering every cell: tricky written answers, a multiple choice with none / some / all options,
    unanswered questions, ratings 0 and 10, a voided response and one with no answer rows at all."""
    for number, text in enumerate(TRICKY):
        _submit(session, survey, number, suggestion=text, name=text[:20],
                multiple=[(0,), (0, 2), (), (1,)][number % 4], rating=[0, 10, None][number % 3])
    voided = _submit(session, survey, 90, multiple=(1, 2), rating=7)
    services.void_response(session, staff["admin"], voided, "重复作答, \"同一人\"")
    written = ordered_questions(survey)[4]
    stored = _submit(session, survey, 91)  # text that slipped in before input was cleaned: a tab first, a control
    session.execute(insert(SurveyAnswer.__table__).values(response_id=stored.id, question_id=written.id,
                                                          text="\t=制表开头\x01控制符"))
    session.add(SurveyResponse(survey_id=survey.id, channel=ResponseChannel.INTERVIEW, submission_key="empty",
                               locale="zh_Hans", submitted_at=utcnow()))
    session.commit()
    return survey


def test_the_csv_is_byte_for_byte_the_plain_reading_of_the_answers(session, answered):
    expected = b"".join(exports.exports.csv_chunks(_reference_rows(session, answered)))
    assert b"".join(exports.csv_chunks(session, answered)) == expected


def test_rows_match_the_plain_reading_across_batch_boundaries(session, answered, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 2)
    assert list(exports.rows(session, answered)) == list(_reference_rows(session, answered))


def test_written_answers_come_out_exactly_and_never_as_formulas(session, answered):
    rows = _csv(exports.csv_chunks(session, answered))
    header, data = rows[0], rows[1:]
    suggestions = [row[header.index("Q5")] for row in data]
    assert suggestions[:len(TRICKY)] == [text_cell(text.strip()) for text in TRICKY]
    assert suggestions[0] == "逗号,分号;竖线|制表\t引号\"单引号'反斜杠\\\n第二行\r\n第三行 U+FFFF结束"  # U+FFFF dropped
    assert suggestions[1:5] == ["'=1+2", "'+86 138", "'-5", "'@SUM(A1)"]
    assert suggestions[6] == "中文：建议加强河道治理。"
    assert suggestions[-2] == "'\t=制表开头控制符"  # the tab neutralised, the control character dropped
    assert [row[header.index("Q7")] for row in data][:2] == [TRICKY[0][:20], "'=1+2"]


def test_multiple_choice_unanswered_questions_ratings_and_voids(session, answered):
    rows = _csv(exports.csv_chunks(session, answered))
    header, data = rows[0], rows[1:]
    several = [header.index(h) for h in header if h.startswith("Q4_")]
    assert [[row[i] for i in several] for row in data[:4]] == [["1", "0", "0"], ["1", "0", "1"], ["", "", ""],
                                                                ["0", "1", "0"]]
    assert [row[header.index("Q6")] for row in data[:4]] == ["0", "10", "", "0"]
    voided = data[len(TRICKY)]
    assert voided[header.index("voided")] == "1" and voided[header.index("void_reason")] == "重复作答, \"同一人\""
    assert [voided[i] for i in several] == ["0", "1", "1"] and voided[header.index("Q6")] == "7"
    assert {row[header.index("voided")] for row in data if row is not voided} == {"0"}
    empty = data[-1]
    assert empty[2] == "interview" and empty[5:] == [""] * (len(header) - 5)
    assert [row[header.index("Q2")] for row in data[:2]] == ["满意", "比较满意"]


def test_the_xlsx_has_the_same_cells_with_ratings_as_numbers(session, answered):
    body = b"".join(exports.xlsx_chunks(session, answered))
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert rows[1][header.index("Q6")] == 0 and rows[2][header.index("Q6")] == 10
    assert rows[2][header.index("Q5")] == "'=1+2" and rows[3][header.index("Q6")] is None
    assert len(rows) == len(TRICKY) + 4


def test_progress_is_told_the_responses_written_after_each_batch(session, answered, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 4)
    told = []
    body = b"".join(exports.csv_chunks(session, answered, progress=told.append))
    total = len(TRICKY) + 3
    assert told == [4, 8, total] and len(_csv([body])) == total + 1


def test_a_survey_without_responses_exports_its_header_alone(session, survey):
    told = []
    rows = _csv(exports.csv_chunks(session, survey, progress=told.append))
    assert rows == [exports.columns(survey)[0]] and told == []


def test_another_surveys_responses_between_this_ones_stay_out(session, staff, answered, monkeypatch):
    other = factories.survey(session, staff["admin"], responses=3)
    _submit(session, answered, 200, multiple=(2,), suggestion="之后的回答")
    session.commit()
    monkeypatch.setattr(exports, "BATCH", 3)
    assert list(exports.rows(session, answered)) == list(_reference_rows(session, answered))
    rows = _csv(exports.csv_chunks(session, other))
    ids = session.scalars(select(SurveyResponse.id).where(SurveyResponse.survey_id == other.id)
                          .order_by(SurveyResponse.id)).all()
    assert [int(row[0]) for row in rows[1:]] == ids and rows[1:] == [
        [str(value) for value in row] for row in list(_reference_rows(session, other))[1:]]


def test_copys_record_ends_become_crlf_and_line_breaks_inside_quoted_fields_stay():
    copied = b'1,"a\nb ""q"" c\r\nd",x\n2,,"e\n'
    expected = b'1,"a\nb ""q"" c\r\nd",x\r\n2,,"e\nf"\r\n'
    for cut in range(len(copied) + 1):  # the stream split anywhere, even between the two quotes of ""
        assert b"".join(export_copy.crlf_records(iter([copied[:cut], copied[cut:], b'f"\n']))) == expected


def test_the_text_cell_rule_in_sql_is_exports_text_cell(session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the COPY export runs on PostgreSQL only")
    texts = ["", "plain", "=1", "+1", "-1", "@a", "\tx", "\rx", "'=x", " =x", "\x01=x", "a\x0bb\x1fc\uffffd\ufffe",
             "多行\n文本\r\n", "\x01"]
    computed = session.execute(select(*(export_copy.text_cell_sql(literal(text)) for text in texts))).one()
    assert list(computed) == [text_cell(text) or None for text in texts]
