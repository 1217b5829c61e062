"""The pure parts: the workflow table, the art. 36 reply requirements, complaint screening, ID masking."""
import pytest

from app.casework.codes import digest as code_hash
from app.casework.codes import new_code
from app.casework.codes import normalise as normalise_code
from app.disclosure.screening import complaint_words, looks_like_complaint
from app.disclosure.services import mask_id
from app.disclosure.workflow import (APPLICANT_STEPS, OPEN_STATES, TRANSITIONS, ReplyType, RequestState, Step,
                                     TransitionError, allowed_steps, next_state, reply_requirements)

ALLOWED = [
    (RequestState.RECEIVED, Step.REGISTER, RequestState.REGISTERED),
    (RequestState.RECEIVED, Step.REDIRECT, RequestState.REDIRECTED),
    (RequestState.RECEIVED, Step.WITHDRAW, RequestState.WITHDRAWN),
    (RequestState.REGISTERED, Step.REQUEST_COMPLETION, RequestState.COMPLETION_REQUESTED),
    (RequestState.REGISTERED, Step.EXTEND, RequestState.EXTENDED),
    (RequestState.REGISTERED, Step.ANSWER, RequestState.ANSWERED),
    (RequestState.REGISTERED, Step.REDIRECT, RequestState.REDIRECTED),
    (RequestState.REGISTERED, Step.WITHDRAW, RequestState.WITHDRAWN),
    (RequestState.COMPLETION_REQUESTED, Step.COMPLETE, RequestState.REGISTERED),
    (RequestState.COMPLETION_REQUESTED, Step.ABANDON, RequestState.CLOSED),
    (RequestState.COMPLETION_REQUESTED, Step.WITHDRAW, RequestState.WITHDRAWN),
    (RequestState.EXTENDED, Step.ANSWER, RequestState.ANSWERED),
    (RequestState.EXTENDED, Step.WITHDRAW, RequestState.WITHDRAWN),
    (RequestState.ANSWERED, Step.CLOSE, RequestState.CLOSED),
    (RequestState.REGISTERED, Step.CONSULT, RequestState.REGISTERED),
    (RequestState.EXTENDED, Step.CONSULT, RequestState.EXTENDED),
    (RequestState.REGISTERED, Step.RESUME, RequestState.REGISTERED),
    (RequestState.EXTENDED, Step.RESUME, RequestState.EXTENDED),
]


@pytest.mark.parametrize("state, step, target", ALLOWED)
def test_allowed_steps_lead_where_the_table_says(state, step, target):
    assert next_state(state, step) == target


def test_the_table_has_exactly_the_allowed_steps():
    assert {(s, st): t for s, st, t in ALLOWED} == TRANSITIONS


@pytest.mark.parametrize("state", list(RequestState))
@pytest.mark.parametrize("step", list(Step))
def test_every_other_step_is_refused(state, step):
    if (state, step) in TRANSITIONS:
        return
    with pytest.raises(TransitionError):
        next_state(state, step)


def test_finished_states_allow_no_step_but_closing_an_answer():
    for state in (RequestState.CLOSED, RequestState.WITHDRAWN, RequestState.REDIRECTED):
        assert allowed_steps(state) == []
        assert state.is_finished
    assert allowed_steps(RequestState.ANSWERED) == [Step.CLOSE]


def test_the_applicant_completes_and_withdraws_and_nothing_else():
    assert APPLICANT_STEPS == {Step.COMPLETE, Step.WITHDRAW}
    assert all(state in OPEN_STATES for (state, step) in TRANSITIONS if step == Step.WITHDRAW)


def test_there_are_seven_reply_types_each_with_a_title():
    assert len(ReplyType) == 7
    assert all(str(t.title) for t in ReplyType)
    assert all(str(s.title) for s in RequestState) and all(str(s.title) for s in Step)


@pytest.mark.parametrize("reply_type, partial, ground, body, missing", [
    (ReplyType.DISCLOSED, False, "", "", []),
    (ReplyType.DISCLOSED, True, "", "", ["legal_ground"]),
    (ReplyType.DISCLOSED, True, "第十五条", "", []),
    (ReplyType.NOT_DISCLOSED, False, "", "", ["legal_ground"]),
    (ReplyType.NOT_DISCLOSED, False, "第十四条", "", []),
    (ReplyType.NOT_THIS_AGENCY, False, "", "", ["competent_body"]),
    (ReplyType.NOT_THIS_AGENCY, False, "", "市自然资源和规划局", []),
    (ReplyType.NOT_EXIST, True, "x", "", ["partial"]),
    (ReplyType.ALREADY_PUBLIC, False, "", "", []),
    (ReplyType.DUPLICATE, False, " ", " ", []),
    (ReplyType.SPECIAL_REGIME, False, "", "", []),
])
def test_reply_requirements(reply_type, partial, ground, body, missing):
    assert reply_requirements(reply_type, partial=partial, legal_ground=ground, competent_body=body) == missing


@pytest.mark.parametrize("text, expected", [
    ("请公开2025年度环评批复文件", False),
    ("我要举报化工厂", True),
    ("工厂夜里偷排废水", True),
    ("小区附近噪声很大", True),
    ("河边有臭味", True),
    ("請公開本市污染源名錄", True),
    ("", False),
    (None, False),
])
def test_complaint_screening(text, expected):
    assert looks_like_complaint(text) is expected


def test_complaint_words_are_listed_once_each():
    assert complaint_words("举报偷排，举报偷排") == ["举报", "偷排"]


@pytest.mark.parametrize("number, masked", [
    ("420102199001011234", "4201**********1234"),
    ("E1234567", "********"),
    ("", ""),
    ("G123456789", "G123**6789"),
])
def test_id_numbers_are_masked_for_the_applicant(number, masked):
    assert mask_id(number) == masked


def test_codes_are_random_and_hashed_with_a_key():
    code = new_code()
    assert len(normalise_code(code)) == 16 and code != new_code()
    assert code_hash(code, "a") == code_hash(code.lower().replace("-", " "), "a")
    assert code_hash(code, "a") != code_hash(code, "b")


@pytest.mark.parametrize("state", [RequestState.REGISTERED, RequestState.EXTENDED])
def test_a_consultation_pauses_everything_but_its_end_withdrawal_and_redirection(state):
    """政府信息公开条例 art. 33(2): time spent consulting a third party or other agencies (arts. 32, 34) is not
    counted; while the opinion is awaited the request can only be resumed, withdrawn or redirected."""
    paused = allowed_steps(state, paused=True)
    assert Step.RESUME in paused and Step.CONSULT not in paused and Step.ANSWER not in paused
    assert set(paused) <= {Step.RESUME, Step.WITHDRAW, Step.REDIRECT}
    running = allowed_steps(state)
    assert Step.CONSULT in running and Step.RESUME not in running and Step.ANSWER in running
