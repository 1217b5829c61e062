"""Residents answer surveys on a phone, with and without JavaScript, with an invitation code; an interviewer
enters a telephone interview with the keyboard alone; axe on every page they see."""
import re
from dataclasses import dataclass, field

from playwright.sync_api import expect
from sqlalchemy import func, select

from app.extensions import db
from app.surveys.models import SurveyInvitation, SurveyResponse
from tests import factories
from tests.browser.conftest import assert_accessible, live_admin, sign_in

ALREADY_ANSWERED = "You have already answered this survey from this browser."
# A question's re-check still on its way when the answer changes again is aborted (hx-sync="this:replace"), so
# that its stale copy of the question cannot swap back the earlier answer; htmx logs the abort as an error.
SUPERSEDED_CHECK = re.compile(r"htmx:(afterRequest|sendAbort), \[object HTMLFieldSetElement\]$")


@dataclass
class SurveyIds:
    id: int
    questions: list[int]
    codes: list[str] = field(default_factory=list)
    conditional: int | None = None  # the demo template's question shown only after one answer
    condition_question: int | None = None


def new_survey(live_app, *, demo: bool = False, **options) -> SurveyIds:
    """A fresh open survey in the live app's database, so every test counts its own responses."""
    from app.surveys import services
    from app.surveys.models import SurveyMode, SurveyState
    from app.surveys.services import Texts
    from app.surveys.template import build_template

    with live_app.app_context():
        if demo:
            survey = build_template(db.session, live_admin(), mode=SurveyMode.OPEN,
                                    title=Texts("模板问卷", "模板問卷", "Template"))
            services.change_state(db.session, live_admin(), survey, SurveyState.OPEN)
        else:
            survey = factories.survey(db.session, live_admin(), **options)
        questions = services.ordered_questions(survey)
        conditional = next((q for q in questions if q.condition_option_id), None)
        ids = SurveyIds(survey.id, [q.id for q in questions],
                        codes=[i.code for i in db.session.scalars(select(SurveyInvitation)
                                                                  .where(SurveyInvitation.survey_id == survey.id))],
                        conditional=conditional and conditional.id,
                        condition_question=conditional and conditional.condition_option.question_id)
        db.session.commit()
    return ids


def response_count(live_app, survey_id: int) -> int:
    with live_app.app_context():
        return db.session.scalar(select(func.count()).select_from(SurveyResponse)
                                 .where(SurveyResponse.survey_id == survey_id))


def choices(page, question_id: int):
    return page.locator(f"#question-{question_id}").locator("input[type=radio], input[type=checkbox]")


def assert_fits_the_screen(page) -> None:
    """Nothing wider than the phone: no sideways scrolling (measured once the stylesheet has arrived)."""
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def watch_errors(page) -> list[str]:
    """Console errors and uncaught exceptions, less the expected ones: a 422 answer, a superseded check."""
    errors = []
    page.on("console", lambda message: message.type == "error" and "422" not in message.text
            and not SUPERSEDED_CHECK.match(message.text) and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_phone_answer_with_javascript_keeps_answers_on_error_and_counts_once(live_app, phone):
    survey = new_survey(live_app, mode="open")
    district, satisfaction, participation, channels, suggestion = survey.questions
    page = phone.new_page()
    errors = watch_errors(page)
    page.goto(f"/surveys/{survey.id}?lang=en")
    assert_accessible(page)
    assert_fits_the_screen(page)
    page.evaluate("window.notReloaded = true")

    page.locator("label[for=consent]").tap()
    choices(page, district).nth(1).tap()
    choices(page, participation).first.tap()
    for n in range(3):  # one too many: the question re-checks itself and says so
        choices(page, channels).nth(n).tap()
    expect(page.locator(f"#question-{channels}")).to_contain_text("Please choose at most 2 options.")
    choices(page, channels).nth(2).tap()
    expect(page.locator(f"#question-{channels} .error")).to_have_count(0)
    page.locator(f"#question-{suggestion} textarea").fill("More trees by the river")
    page.get_by_role("button", name="Send my answers").tap()

    summary = page.locator("#error-summary")
    expect(summary.get_by_role("link")).to_have_text(re.compile(r"Question 2: Please answer this question."))
    assert page.evaluate("window.notReloaded") is True  # swapped in place by htmx
    expect(page.locator("#consent")).to_be_checked()
    expect(choices(page, district).nth(1)).to_be_checked()
    expect(choices(page, participation).first).to_be_checked()
    expect(choices(page, channels).nth(0)).to_be_checked()
    expect(choices(page, channels).nth(1)).to_be_checked()
    expect(choices(page, channels).nth(2)).not_to_be_checked()
    expect(page.locator(f"#question-{suggestion} textarea")).to_have_value("More trees by the river")
    assert_accessible(page)

    before = response_count(live_app, survey.id)
    choices(page, satisfaction).first.tap()
    expect(page.locator(f"#question-{satisfaction}")).not_to_have_class(re.compile("has-error"))
    page.get_by_role("button", name="Send my answers").tap()
    expect(page.get_by_text("have been received")).to_be_visible()
    assert response_count(live_app, survey.id) == before + 1
    assert errors == []


def test_quick_taps_on_one_question_are_all_kept(live_app, phone):
    """Each tap re-checks the question; a slower, older check must not swap back an earlier state."""
    survey = new_survey(live_app, mode="open")
    channels = survey.questions[3]
    page = phone.new_page()
    page.goto(f"/surveys/{survey.id}?lang=en")
    for _ in range(3):
        choices(page, channels).nth(0).tap()
        choices(page, channels).nth(1).tap()
        page.wait_for_load_state("networkidle")
        expect(choices(page, channels).nth(0)).to_be_checked()
        expect(choices(page, channels).nth(1)).to_be_checked()
        choices(page, channels).nth(0).tap()
        choices(page, channels).nth(1).tap()
        page.wait_for_load_state("networkidle")
        expect(choices(page, channels).nth(0)).not_to_be_checked()
        expect(choices(page, channels).nth(1)).not_to_be_checked()


def test_with_javascript_focus_moves_to_the_error_summary(live_app, phone):
    survey = new_survey(live_app, mode="open")
    page = phone.new_page()
    page.goto(f"/surveys/{survey.id}?lang=en")
    page.get_by_role("button", name="Send my answers").tap()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused(timeout=1000)


def test_phone_answer_with_javascript_lands_on_the_thank_you_page(live_app, phone):
    survey = new_survey(live_app, mode="open")
    page = phone.new_page()
    page.goto(f"/surveys/{survey.id}?lang=en")
    page.check("#consent")
    for question in survey.questions[:3]:
        choices(page, question).first.check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("have been received")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/surveys/{survey.id}/thanks$"), timeout=1000)
    expect(page.locator("header.site-header")).to_have_count(1)
    assert_accessible(page)


def test_phone_answer_without_javascript_posts_and_redirects(live_app, phone_without_js,
                                                               assert_accessible_without_js):
    survey = new_survey(live_app, mode="open")
    district, satisfaction, participation, channels, suggestion = survey.questions
    page = phone_without_js.new_page()
    page.goto(f"/surveys/{survey.id}?lang=en")
    assert_accessible_without_js(page)

    page.locator("label[for=consent]").tap()
    choices(page, satisfaction).nth(1).tap()
    choices(page, participation).first.tap()
    choices(page, channels).nth(2).tap()
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Send my answers").tap()
    assert posted.value.status == 422
    expect(page.locator("#error-summary")).to_contain_text("Question 1: Please answer this question.")
    expect(page.locator("#consent")).to_be_checked()
    expect(choices(page, satisfaction).nth(1)).to_be_checked()
    expect(choices(page, participation).first).to_be_checked()
    expect(choices(page, channels).nth(2)).to_be_checked()
    assert_accessible_without_js(page)

    before = response_count(live_app, survey.id)
    choices(page, district).first.tap()
    page.get_by_role("button", name="Send my answers").tap()
    expect(page).to_have_url(re.compile(rf"/surveys/{survey.id}/thanks$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you!")
    assert response_count(live_app, survey.id) == before + 1
    assert_accessible_without_js(page)

    page.get_by_role("link", name="See every question's results").tap()
    expect(page).to_have_url(re.compile(rf"/surveys/{survey.id}/results$"))
    expect(page.locator("main")).to_contain_text(f"{before + 1} respondents")
    expect(page.locator("main progress").first).to_be_attached()
    assert_accessible_without_js(page)

    page.goto(f"/surveys/{survey.id}")  # the same browser again is told at once, without the form
    expect(page.get_by_role("status").filter(has_text=ALREADY_ANSWERED)).to_be_visible()
    expect(page.locator("#consent")).to_have_count(0)
    assert response_count(live_app, survey.id) == before + 1
    assert_accessible_without_js(page)


def test_thank_you_and_results_pages_fit_a_phone(live_app, phone):
    survey = new_survey(live_app, mode="open", responses=3)
    page = phone.new_page()
    for address in (f"/surveys/{survey.id}/thanks?lang=en", f"/surveys/{survey.id}/results"):
        page.goto(address)
        assert_fits_the_screen(page)


def _answer_first_three(page, survey) -> None:
    page.check("#consent")
    for question in survey.questions[:3]:
        choices(page, question).first.check()
    page.get_by_role("button", name="Send my answers").click()


def test_a_browser_that_answered_is_told_at_once_when_it_comes_back(live_app, phone):
    survey = new_survey(live_app, mode="open")
    page = phone.new_page()
    page.goto(f"/surveys/{survey.id}?lang=en")
    _answer_first_three(page, survey)
    expect(page.get_by_role("status").filter(has_text="have been received")).to_be_visible()
    page.goto(f"/surveys/{survey.id}?lang=en")
    expect(page.get_by_text(ALREADY_ANSWERED)).to_be_visible()
    expect(page.locator("#consent")).to_have_count(0)
    expect(page.get_by_role("link", name="See the results")).to_be_visible()
    assert response_count(live_app, survey.id) == 1
    assert_accessible(page)


def test_the_refusal_of_a_form_left_open_in_another_tab_replaces_the_page_with_javascript(live_app, phone):
    survey = new_survey(live_app, mode="open")
    first, second = phone.new_page(), phone.new_page()
    for page in (first, second):
        page.goto(f"/surveys/{survey.id}?lang=en")
    _answer_first_three(first, survey)
    expect(first.get_by_role("status").filter(has_text="have been received")).to_be_visible()
    _answer_first_three(second, survey)
    expect(second.get_by_text(ALREADY_ANSWERED)).to_be_visible()
    expect(second.locator("main")).to_have_count(1, timeout=1000)
    assert response_count(live_app, survey.id) == 1
    assert_accessible(second)


def test_large_text_mode_on_the_answering_page(live_app, phone):
    survey = new_survey(live_app, mode="open")
    page = phone.new_page()
    errors = watch_errors(page)
    page.goto(f"/surveys/{survey.id}?lang=en")
    page.get_by_role("button", name="Large text").tap()
    expect(page.locator("html")).to_have_class(re.compile("elder"))
    expect(page).to_have_url(re.compile(rf"/surveys/{survey.id}"))
    expect(page.locator("#consent")).to_be_visible()
    assert_accessible(page)
    assert_fits_the_screen(page)
    assert errors == []


def test_conditional_question_waits_for_its_answer_with_javascript(live_app, phone):
    survey = new_survey(live_app, demo=True)
    page = phone.new_page()
    errors = watch_errors(page)
    page.goto(f"/surveys/{survey.id}?lang=en")
    follow_up = page.locator(f"#question-{survey.conditional}")
    reported = page.locator(f"#question-{survey.condition_question}")
    expect(follow_up).to_be_hidden()
    reported.get_by_role("radio", name="No").check()
    expect(follow_up).to_be_hidden()
    reported.get_by_role("radio", name="Yes").check()
    expect(follow_up).to_be_visible()
    page.get_by_role("button", name="Send my answers").click()  # no consent: the form comes back
    expect(page.locator("#error-summary")).to_contain_text("tick the box to agree")
    expect(follow_up).to_be_visible()
    assert_accessible(page)
    reported.get_by_role("radio", name="No").check()
    expect(follow_up).to_be_hidden()
    assert errors == []


def test_conditional_question_shows_with_its_note_without_javascript(live_app, phone_without_js,
                                                                    assert_accessible_without_js):
    survey = new_survey(live_app, demo=True)
    page = phone_without_js.new_page()
    page.goto(f"/surveys/{survey.id}?lang=en")
    follow_up = page.locator(f"#question-{survey.conditional}")
    expect(follow_up).to_be_visible()
    expect(follow_up).to_contain_text(re.compile(r"Answer this only if you chose “Yes” in question \d+\."))
    assert_accessible_without_js(page)


def test_sampled_survey_asks_for_the_invitation_code(live_app, phone):
    survey = new_survey(live_app, mode="sampled", invitations=2)
    page = phone.new_page()
    errors = watch_errors(page)
    page.goto(f"/surveys/{survey.id}?lang=en")
    assert_accessible(page)
    page.get_by_label("Invitation code").fill("WRONG123")
    page.get_by_role("button", name="Continue").tap()
    expect(page.locator("#error-summary")).to_contain_text("This invitation code is not valid")
    assert_accessible(page)

    code = survey.codes[0]
    page.get_by_label("Invitation code").fill(f" {code[:4].lower()}-{code[4:].lower()} ")  # as typed off a card
    page.get_by_role("button", name="Continue").tap()
    expect(page.locator("#consent")).to_be_visible()
    page.locator("label[for=consent]").tap()
    for question in survey.questions[:3]:
        choices(page, question).first.tap()
    page.get_by_role("button", name="Send my answers").tap()
    expect(page.get_by_text("have been received")).to_be_visible()
    assert response_count(live_app, survey.id) == 1

    page.goto(f"/surveys/{survey.id}?code={code}")  # the same card again
    expect(page.locator("#error-summary")).to_contain_text("already been used")
    page.goto(f"/surveys/{survey.id}?code={survey.codes[1]}")  # straight from the other card's QR code
    expect(page.locator("#consent")).to_be_visible()
    assert_accessible(page)
    assert errors == []


def test_interviewer_enters_a_telephone_interview_with_the_keyboard(live_app, page, page_errors):
    survey = new_survey(live_app, mode="sampled")
    district, satisfaction, participation, channels, suggestion = survey.questions
    sign_in(page, "interviewer")
    page.goto(f"/admin/surveys/{survey.id}/interview?lang=en")
    expect(page.locator("#consent")).to_be_focused()
    assert_accessible(page)

    page.keyboard.press("Space")
    expect(page.locator("#consent")).to_be_checked()
    page.keyboard.press("Tab")  # into question 1: the first district
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # the second district
    page.keyboard.press("Tab")  # question 2
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # question 3
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # question 4, a checkbox each
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("Asked about bus lanes")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save interview")).to_be_focused()
    expect(choices(page, district).nth(1)).to_be_checked()
    expect(choices(page, satisfaction).nth(2)).to_be_checked()
    expect(choices(page, participation).first).to_be_checked()
    expect(choices(page, channels).nth(1)).to_be_checked()
    expect(page.locator(f"#question-{suggestion} textarea")).to_have_value("Asked about bus lanes")
    page.keyboard.press("Enter")

    expect(page.locator("#flashes")).to_contain_text(re.compile(r"Interview saved as response \d+\."))
    expect(page.locator("#consent")).to_be_focused()  # ready for the next call
    expect(page.locator("#consent")).not_to_be_checked()
    assert response_count(live_app, survey.id) == 1
    with live_app.app_context():
        saved = db.session.scalar(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id))
        assert (saved.channel, saved.interviewer_id is not None, len(saved.answers)) == ("interview", True, 5)
    assert_accessible(page)
    assert [e for e in page_errors if not SUPERSEDED_CHECK.match(e)] == []
