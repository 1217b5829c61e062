"""The public survey pages kept per worker under the survey generation (app.surveys.cache), and the lean
submission path."""
import re

import pytest
from flask import render_template
from sqlalchemy import func, select

from app.extensions import db
from app.surveys import cache, queries, services
from app.surveys.models import SurveyResponse, SurveyState
from app.surveys.services import Texts, ordered_questions
from tests import factories
from tests.sql import recorded_statements


@pytest.fixture
def survey(session, staff):
    created = factories.survey(session, staff["admin"], mode="open", responses=3)
    session.commit()
    return created


def _hidden(html: str) -> dict:
    return {name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1) for name in ("csrf_token", "submission")}


def _answers(survey, *, district=0, satisfaction=0, participation=0):
    questions = ordered_questions(survey)
    return {"consent": "yes", "step": "0", "move": "submit",
            questions[0].field_name: str(questions[0].options[district].id),
            questions[1].field_name: str(questions[1].options[satisfaction].id),
            questions[2].field_name: str(questions[2].options[participation].id)}


def _submit(app, survey, **choices):
    """A new browser answering the survey; returns the POST's response."""
    client = app.test_client()
    hidden = _hidden(client.get(f"/surveys/{survey.id}").get_data(as_text=True))
    return client.post(f"/surveys/{survey.id}", data={**hidden, **_answers(survey, **choices)})


def _results(client, survey) -> str:
    return client.get(f"/surveys/{survey.id}/results?lang=en").get_data(as_text=True)


def _generation(session) -> int:
    session.expire_all()
    value = cache.generation(session)
    session.rollback()
    return value


def test_a_submission_bumps_the_generation_and_the_results_change(app, client, session, survey):
    before, page = _generation(session), _results(client, survey)
    assert "3 respondents" in page
    assert _submit(app, survey).status_code == 303
    assert _generation(session) == before + 1
    assert "4 respondents" in _results(client, survey)
    assert client.get(f"/api/v1/surveys/{survey.id}/results").get_json()["respondents"] == 4


def test_a_void_and_a_new_answer_keep_n_but_not_the_page(app, client, session, staff, survey):
    """Why the key is a generation and not a count: n stays 3, the figures do not."""
    page, data = _results(client, survey), client.get(f"/api/v1/surveys/{survey.id}/results").get_json()
    response = session.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
                               .order_by(SurveyResponse.id)).first()
    generation = _generation(session)
    services.void_response(session, staff["admin"], response, "duplicate")
    session.commit()
    assert _generation(session) == generation + 1
    assert _submit(app, survey, district=1, satisfaction=3, participation=1).status_code == 303
    again = _results(client, survey)
    assert "3 respondents" in again and again != page
    assert client.get(f"/api/v1/surveys/{survey.id}/results").get_json() != data


def test_a_rolled_back_change_moves_nothing(client, session, staff, survey):
    page, form = _results(client, survey), client.get(f"/surveys/{survey.id}?lang=en").get_data(as_text=True)
    generation = _generation(session)
    services.update_survey(session, staff["admin"], session.get(type(survey), survey.id),
                           title=Texts("改了的标题", "", "Renamed survey"), intro=Texts(""))
    session.rollback()
    assert _generation(session) == generation
    assert _results(client, survey) == page
    assert "Renamed survey" not in client.get(f"/surveys/{survey.id}?lang=en").get_data(as_text=True)
    assert "Test survey" in form


def test_editing_and_closing_the_survey_change_the_form_and_the_results(client, session, staff, survey):
    assert "Test survey" in client.get(f"/surveys/{survey.id}?lang=en").get_data(as_text=True)
    assert "Answer this survey" in _results(client, survey)
    generation = _generation(session)
    edited = session.get(type(survey), survey.id)
    services.update_survey(session, staff["admin"], edited, title=Texts("改了的标题", "", "Renamed survey"),
                           intro=Texts(""))
    question = ordered_questions(edited)[1]
    services.update_question(session, staff["admin"], question, text=Texts("水质量满意吗？", "", "Happy with water?"),
                             help=Texts(""), required=question.required, max_choices=question.max_choices,
                             measure=question.measure, condition_option_id=question.condition_option_id)
    session.commit()
    assert _generation(session) == generation + 1  # once per transaction
    form = client.get(f"/surveys/{survey.id}?lang=en").get_data(as_text=True)
    assert "Renamed survey" in form and "Happy with water?" in form
    services.change_state(session, staff["admin"], session.get(type(survey), survey.id), SurveyState.CLOSED)
    session.commit()
    page = _results(client, survey)
    assert "Renamed survey" in page and "Answer this survey" not in page
    assert "not open for answers" in client.get(f"/surveys/{survey.id}?lang=en").get_data(as_text=True)


def test_a_quota_change_moves_the_generation(session, staff, survey):
    generation = _generation(session)
    option = ordered_questions(session.get(type(survey), survey.id))[0].options[0]
    services.set_quota(session, staff["admin"], option, 10)
    session.commit()
    assert _generation(session) == generation + 1


def test_reads_leave_the_generation_alone(client, session, survey):
    generation = _generation(session)
    for url in (f"/surveys/{survey.id}", f"/surveys/{survey.id}/results", f"/api/v1/surveys/{survey.id}/results"):
        assert client.get(url).status_code == 200
    assert _generation(session) == generation


def test_two_browsers_never_see_each_others_tokens(app, session, survey):
    first, second = app.test_client(), app.test_client()
    one = _hidden(first.get(f"/surveys/{survey.id}").get_data(as_text=True))
    two_html = second.get(f"/surveys/{survey.id}").get_data(as_text=True)
    two = _hidden(two_html)
    assert one["csrf_token"] != two["csrf_token"] and one["submission"] != two["submission"]
    assert cache.CSRF_PLACEHOLDER not in two_html and cache.SUBMISSION_PLACEHOLDER not in two_html
    # The body's htmx headers carry the same token as the form (both from this browser's session).
    assert two_html.count(two["csrf_token"]) >= 2 and one["csrf_token"] not in two_html
    # Each token works for its own browser only.
    refused = second.post(f"/surveys/{survey.id}", data={**one, **_answers(survey)})
    assert refused.status_code == 400
    assert first.post(f"/surveys/{survey.id}", data={**one, **_answers(survey)}).status_code == 303
    assert second.post(f"/surveys/{survey.id}", data={**two, **_answers(survey)}).status_code == 303
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(SurveyResponse)
                          .where(SurveyResponse.survey_id == survey.id)) == 5


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_cached_pages_are_the_uncached_rendering(app, client, session, survey, lang):
    results_page = client.get(f"/surveys/{survey.id}/results?lang={lang}").get_data(as_text=True)
    again = client.get(f"/surveys/{survey.id}/results?lang={lang}").get_data(as_text=True)  # from the cache
    form_page = client.get(f"/surveys/{survey.id}?lang={lang}").get_data(as_text=True)
    hidden = _hidden(form_page)
    loaded = queries.load_survey(session, survey.id)
    pages = [ordered_questions(loaded)]
    with app.test_request_context(f"/surveys/{survey.id}?lang={lang}"):
        app.preprocess_request()
        results = render_template("surveys/_results.html", survey=loaded,
                                  results=queries.survey_results(db.session, loaded))
        form = render_template("surveys/_form.html", survey=loaded, pages=pages, step=0, page_questions=pages[0],
                               answers=services_answers(), invitation=None, consent=False,
                               submission=hidden["submission"], csrf_token=lambda: hidden["csrf_token"],
                               numbers={q.id: n for n, q in enumerate(pages[0], start=1)}, honeypot="website")
    assert results in results_page and results in again
    assert form in form_page


def services_answers():
    from app.surveys.answers import Answers
    return Answers()


def _statements(app, action) -> list[str]:
    with recorded_statements() as seen:
        action()
    return [statement for statement, _parameters in seen]


def test_a_submission_takes_five_statements(app, session, survey):
    """The generation read, the response, every answer in one executemany, every tally in one executemany and the
    generation bump: no survey loaded and no quota read (both kept per worker), the browser's earlier answer left
    to the unique key, nothing reloaded after the commit."""
    client = app.test_client()
    hidden = _hidden(client.get(f"/surveys/{survey.id}").get_data(as_text=True))
    data = {**hidden, **_answers(survey), ordered_questions(survey)[4].field_name: "多种树"}
    statements = _statements(app, lambda: client.post(f"/surveys/{survey.id}", data=data))
    assert len(statements) == 5, "\n".join(s[:90].replace("\n", " ") for s in statements)
    assert sum("survey_answers" in s and s.lstrip().upper().startswith("INSERT") for s in statements) == 1
    session.expire_all()
    stored = session.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
                             .order_by(SurveyResponse.id.desc())).first()
    assert {a.text for a in stored.answers} == {None, "多种树"} and len(stored.answers) == 4


def test_warm_public_pages_read_only_the_generation(app, client, survey):
    for url in (f"/surveys/{survey.id}/results", f"/api/v1/surveys/{survey.id}/results"):
        client.get(url)
        assert len(_statements(app, lambda url=url: client.get(url))) == 1, url
    # The form for a new browser; a returning one is also checked for an earlier answer (its own, per request).
    app.test_client().get(f"/surveys/{survey.id}")
    assert len(_statements(app, lambda: app.test_client().get(f"/surveys/{survey.id}"))) == 1
    client.get(f"/surveys/{survey.id}")  # sets the browser's cookie
    assert len(_statements(app, lambda: client.get(f"/surveys/{survey.id}"))) == 2


def test_submissions_in_a_row_each_take_five_statements(app, session, survey):
    """An answer moves the pages' generation but not the structure's: the next submission still finds the
    questionnaire kept, instead of loading its sections, questions and options again."""
    browsers = [app.test_client() for _ in range(3)]
    forms = [{**_hidden(browser.get(f"/surveys/{survey.id}").get_data(as_text=True)), **_answers(survey)}
             for browser in browsers]
    for browser, data in zip(browsers, forms):
        statements = _statements(app, lambda browser=browser, data=data: browser.post(f"/surveys/{survey.id}",
                                                                                      data=data))
        assert len(statements) == 5, "\n".join(s[:90].replace("\n", " ") for s in statements)


def _structure_generation(session) -> int:
    session.expire_all()
    value = cache._generations(session)[1]
    session.rollback()
    return value


def test_only_changes_to_the_questionnaire_move_the_structure_generation(app, client, session, staff, survey):
    structure, everything = _structure_generation(session), _generation(session)
    assert _submit(app, survey).status_code == 303
    assert (_structure_generation(session), _generation(session)) == (structure, everything + 1)
    question = ordered_questions(session.get(type(survey), survey.id))[1]
    services.update_question(session, staff["admin"], question, text=Texts("空气满意吗？", "", "Happy with air?"),
                             help=Texts(""), required=question.required, max_choices=question.max_choices,
                             measure=question.measure, condition_option_id=question.condition_option_id)
    session.commit()
    assert (_structure_generation(session), _generation(session)) == (structure + 1, everything + 2)
    # The kept structure is dropped with it: the form, rendered from it, shows the new text.
    assert "Happy with air?" in client.get(f"/surveys/{survey.id}?lang=en").get_data(as_text=True)
