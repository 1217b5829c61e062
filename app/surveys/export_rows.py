"""The export's query: one batch of a survey's responses, one row per response, its answers grouped by the database.

Every data column is a conditional aggregate over the response's answer rows, so each response's answers are read
once, by the database, and nothing is concatenated and split again (a written answer may hold any character):
  a multiple-choice option   max(CASE WHEN option_id = <option> THEN 1 WHEN question_id = <question> THEN 0 END)
                             → 1 chosen, 0 question answered without it, NULL question not answered;
  a single-answer question   max(CASE WHEN question_id = <question> THEN option_id END) → the chosen option's id;
  a text question            max(CASE WHEN question_id = <question> THEN text END) → the written answer.
A response has at most one answer row per single-answer or text question, so max() only picks the non-NULL one.
"""
from sqlalchemy import Select, case, func, literal, select

from app.surveys.models import SurveyAnswer, SurveyResponse

CHOSEN = "chosen"  # 1/0/NULL of one multiple-choice option
OPTION = "option"  # the id of the chosen option
TEXT = "text"  # a written answer


def column_kind(question, option) -> str:
    if option is not None:
        return CHOSEN
    return OPTION if question.kind.has_options else TEXT


def answer_columns(plan: list, answers=SurveyAnswer.__table__) -> list:
    """One aggregate per (question, option or None) of the export's plan, over `answers` rows."""
    columns = []
    for question, option in plan:
        kind = column_kind(question, option)
        if kind == CHOSEN:
            value = case((answers.c.option_id == option.id, literal(1)),
                         (answers.c.question_id == question.id, literal(0)))
        elif kind == OPTION:
            value = case((answers.c.question_id == question.id, answers.c.option_id))
        else:
            value = case((answers.c.question_id == question.id, answers.c.text))
        columns.append(func.max(value))
    return columns


def batch_query(survey_id: int, plan: list, after: int, size: int) -> Select:
    """The `size` responses after id `after`: id, submitted_at, channel, voided_at, void_reason, then the plan's
    columns; in id order."""
    responses = (select(SurveyResponse.id, SurveyResponse.submitted_at, SurveyResponse.channel,
                        SurveyResponse.voided_at, SurveyResponse.void_reason)
                 .where(SurveyResponse.survey_id == survey_id, SurveyResponse.id > after)
                 .order_by(SurveyResponse.id).limit(size).subquery("batch"))
    answers = SurveyAnswer.__table__
    return (select(responses.c.id, responses.c.submitted_at, responses.c.channel, responses.c.voided_at,
                   responses.c.void_reason, *answer_columns(plan, answers))
            .select_from(responses.outerjoin(answers, answers.c.response_id == responses.c.id))
            .group_by(responses.c.id, responses.c.submitted_at, responses.c.channel, responses.c.voided_at,
                      responses.c.void_reason)
            .order_by(responses.c.id))

