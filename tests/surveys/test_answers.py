"""Reading a posted questionnaire: required answers, tampered and over-long input, and display conditions."""
import pytest
from werkzeug.datastructures import MultiDict

from app.surveys.answers import Answers, is_shown, read_answers
from app.surveys.models import QuestionKind, SurveyOption, SurveyQuestion


@pytest.fixture(autouse=True)
def english(app):
    """Messages go through gettext: read them in a request in English."""
    with app.test_request_context("/?lang=en"):
        yield


def question(qid, kind=QuestionKind.SINGLE, options=(), *, required=True, max_choices=None, max_length=500,
             condition=None) -> SurveyQuestion:
    """A question as the form reads it (not stored): ids chosen by the test."""
    return SurveyQuestion(id=qid, kind=kind.value, code=f"Q{qid}", text_zh_hans=f"问题{qid}", required=required,
                          max_choices=max_choices, max_length=max_length, condition_option_id=condition,
                          options=[SurveyOption(id=o, label_zh_hans=f"选项{o}") for o in options])


# Q1 single (11, 12, 13); Q2 multiple, at most 2 (21–24); Q3 short text, at most 10 characters;
# Q4 shown only when 12 was chosen in Q1, options 41, 42; Q5 optional single (51, 52).
def survey():
    return [question(1, options=(11, 12, 13)),
            question(2, QuestionKind.MULTIPLE, (21, 22, 23, 24), max_choices=2),
            question(3, QuestionKind.SHORT_TEXT, max_length=10),
            question(4, QuestionKind.SATISFACTION, (41, 42), condition=12),
            question(5, options=(51, 52), required=False)]


def form(**fields):
    data = MultiDict()
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            data.add(name, str(item))
    return data


def test_a_complete_valid_form_is_read_into_options_and_texts():
    answers = read_answers(survey(), form(q1=11, q2=[21, 23], q3="  清洁  ", q5=52))
    assert answers.valid
    assert answers.chosen == {1: [11], 2: [21, 23], 5: [52]}
    assert answers.texts == {3: "清洁"}
    assert answers.errors == {} and answers.form_errors == []
    assert answers.chosen_options() == {11, 21, 23, 52}


def test_a_required_question_left_empty_is_an_error():
    answers = read_answers(survey(), form(q2=21, q3="好"))
    assert answers.errors == {1: "Please answer this question."}
    assert not answers.valid


def test_a_blank_answer_counts_as_missing():
    answers = read_answers(survey(), form(q1=11, q2=21, q3="   "))
    assert answers.errors == {3: "Please answer this question."}
    assert 3 not in answers.texts


def test_an_optional_question_may_be_left_empty():
    answers = read_answers(survey(), form(q1=11, q2=21, q3="好"))
    assert answers.valid and 5 not in answers.chosen


def test_required_questions_are_not_checked_when_asked_not_to():
    # paged sections and inline validation read a part of the form
    answers = read_answers(survey(), form(q1=11), check_required=False)
    assert answers.valid and answers.chosen == {1: [11]}


def test_an_option_of_another_question_is_refused():
    answers = read_answers(survey(), form(q1=21, q2=21, q3="好"))
    assert answers.errors == {1: "Please choose one of the options shown."}
    assert 1 not in answers.chosen


@pytest.mark.parametrize("value", ["abc", "999", "-11", "11.0"])
def test_a_value_that_is_no_option_is_refused(value):
    answers = read_answers(survey(), form(q1=value, q2=21, q3="好"))
    assert answers.errors == {1: "Please choose one of the options shown."}


def test_a_tampered_option_among_valid_ones_refuses_the_whole_answer():
    answers = read_answers(survey(), form(q1=11, q2=[21, 11], q3="好"))
    assert answers.errors == {2: "Please choose one of the options shown."}
    assert 2 not in answers.chosen


def test_two_options_for_a_single_choice_question_are_refused():
    answers = read_answers(survey(), form(q1=[11, 13], q2=21, q3="好"))
    assert answers.errors == {1: "Please choose only one option."}


def test_the_same_option_sent_twice_counts_once():
    answers = read_answers(survey(), form(q1=[11, 11], q2=[21, 21, 22], q3="好"))
    assert answers.valid
    assert answers.chosen[1] == [11] and answers.chosen[2] == [21, 22]


def test_more_choices_than_allowed_are_refused():
    answers = read_answers(survey(), form(q1=11, q2=[21, 22, 23], q3="好"))
    assert answers.errors == {2: "Please choose at most 2 options."}


def test_the_message_for_at_most_one_choice_is_singular():
    questions = [question(2, QuestionKind.MULTIPLE, (21, 22), max_choices=1)]
    assert read_answers(questions, form(q2=[21, 22])).errors == {2: "Please choose at most 1 option."}


def test_a_multiple_choice_question_without_a_limit_takes_every_option():
    questions = [question(2, QuestionKind.MULTIPLE, (21, 22, 23, 24))]
    answers = read_answers(questions, form(q2=[24, 21, 23, 22]))
    assert answers.valid and answers.chosen == {2: [24, 21, 23, 22]}


def test_a_field_for_a_question_not_in_the_survey_is_a_form_error():
    answers = read_answers(survey(), form(q1=11, q2=21, q3="好", q999=1))
    assert answers.form_errors == ["The form contained a question that is not part of this survey. "
                                   "Please check your answers and send them again."]
    assert answers.errors == {}
    assert not answers.valid


def test_other_fields_of_the_form_are_not_questions():
    data = form(q1=11, q2=21, q3="好", csrf_token="x", submission_key="k", quota="1", q="search")
    assert read_answers(survey(), data).valid


def test_text_longer_than_allowed_is_an_error_and_kept_to_show_again():
    answers = read_answers(survey(), form(q1=11, q2=21, q3="一" * 11))
    assert answers.errors == {3: "Please keep your answer under 10 characters."}
    assert answers.texts[3] == "一" * 11


def test_text_of_exactly_the_allowed_length_is_accepted():
    answers = read_answers(survey(), form(q1=11, q2=21, q3="一" * 10))
    assert answers.valid and answers.texts == {3: "一" * 10}


def test_very_long_text_is_cut_to_twice_the_limit_for_showing_again():
    answers = read_answers(survey(), form(q1=11, q2=21, q3="x" * 5000))
    assert len(answers.texts[3]) == 20 and 3 in answers.errors


def test_a_hidden_question_is_not_required():
    # Q4 depends on option 12 of Q1; 11 was chosen
    answers = read_answers(survey(), form(q1=11, q2=21, q3="好"))
    assert answers.valid and 4 not in answers.chosen


def test_answers_to_a_hidden_question_are_dropped():
    # a browser without JavaScript sends the hidden question's answer anyway
    answers = read_answers(survey(), form(q1=11, q2=21, q3="好", q4=41))
    assert answers.valid
    assert 4 not in answers.chosen and 41 not in answers.chosen_options()


def test_a_hidden_questions_bad_answer_is_no_error_either():
    answers = read_answers(survey(), form(q1=11, q2=21, q3="好", q4=999))
    assert answers.valid


def test_a_question_is_shown_when_its_condition_option_was_chosen():
    answers = read_answers(survey(), form(q1=12, q2=21, q3="好", q4=42))
    assert answers.valid and answers.chosen[4] == [42]


def test_a_shown_conditional_question_is_required():
    answers = read_answers(survey(), form(q1=12, q2=21, q3="好"))
    assert answers.errors == {4: "Please answer this question."}


def test_a_question_depending_on_a_hidden_question_is_hidden_too():
    questions = survey() + [question(6, options=(61, 62), condition=41)]
    answers = read_answers(questions, form(q1=11, q2=21, q3="好", q4=41, q6=61))
    assert answers.valid and 4 not in answers.chosen and 6 not in answers.chosen


def test_a_question_depending_on_a_multiple_choice_option_is_shown_when_it_is_among_the_choices():
    questions = [question(2, QuestionKind.MULTIPLE, (21, 22, 23)), question(7, options=(71, 72), condition=22)]
    assert read_answers(questions, form(q2=[21, 22])).errors == {7: "Please answer this question."}
    assert read_answers(questions, form(q2=[21, 23])).valid


def test_chosen_answers_are_kept_when_other_answers_have_errors():
    # so the page can show the form again with what the person chose
    answers = read_answers(survey(), form(q1=[11, 13], q2=[21, 22, 23], q3="一" * 11, q5=51))
    assert set(answers.errors) == {1, 2, 3}
    assert answers.chosen == {1: [11, 13], 2: [21, 22, 23], 5: [51]}
    assert answers.texts == {3: "一" * 11}


def test_is_shown_without_a_condition_is_always_true():
    assert is_shown(question(1, options=(11,)), set())
    assert not is_shown(question(4, condition=12), {11})
    assert is_shown(question(4, condition=12), {11, 12})


def test_empty_answers_are_valid_and_choose_nothing():
    answers = Answers()
    assert answers.valid and answers.chosen_options() == set()

