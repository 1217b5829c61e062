"""Survey back office: builder, state changes, codes and quotas, interviews, results, exports, voiding."""
import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.surveys.models import (SurveyInvitation, SurveyQuestion, SurveyQuota, SurveyResponse, SurveySection,
                                SurveyState)
from app.surveys.services import ordered_questions
from tests import factories


@pytest.fixture
def admin(client, auth, staff, csrf):
    auth.login("admin")
    return csrf.token(client, "/admin/")


def _actions(session, prefix):
    return session.scalars(select(AuditEntry.action).where(AuditEntry.action.like(f"{prefix}%"))).all()


def test_admin_creates_a_survey_from_the_template(client, session, admin):
    factories.place(session, code="d1")
    session.commit()
    response = client.post("/admin/surveys/", data={"csrf_token": admin, "title_zh_hans": "2026年满意度调查",
                                                    "mode": "sampled", "from_template": "y"})
    assert response.status_code == 303
    survey_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert session.scalar(select(func.count()).select_from(SurveySection)
                          .where(SurveySection.survey_id == survey_id)) == 5
    assert session.scalar(select(func.count()).select_from(SurveyQuestion)
                          .where(SurveyQuestion.survey_id == survey_id)) >= 15
    assert "surveys.create" in _actions(session, "surveys.")


def test_bad_settings_come_back_with_messages_and_nothing_saved(client, session, admin, staff):
    survey = factories.survey(session, staff["admin"], state="draft")
    session.commit()
    response = client.post(f"/admin/surveys/{survey.id}?lang=en", data={
        "csrf_token": admin, "title_zh_hans": "", "mode": "sampled", "retention_days": "0",
        "opens_at": "2026-12-01T00:00", "closes_at": "2026-11-01T00:00", "indicator_period": "20x5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This field is required." in html and "Enter a year such as 2025." in html
    assert "The closing time must be after the opening time." in html
    session.expire_all()
    assert session.get(type(survey), survey.id).title_zh_hans == "测试问卷"


def test_questions_are_added_and_locked_once_answers_exist(client, session, admin, staff):
    survey = factories.survey(session, staff["admin"], state="draft")
    session.commit()
    section = survey.sections[0]
    response = client.post(f"/admin/surveys/sections/{section.id}/questions?lang=en", data={
        "csrf_token": admin, "kind": "single", "text_zh_hans": "您多久出行一次？", "measure": "",
        "condition_option_id": "0", "required": "y", "options": "每天|每天|Daily\n每周|每週|Weekly"})
    assert response.status_code == 303
    question = session.scalar(select(SurveyQuestion).where(SurveyQuestion.text_zh_hans == "您多久出行一次？"))
    assert [o.label_en for o in question.options] == ["Daily", "Weekly"]
    too_few = client.post(f"/admin/surveys/sections/{section.id}/questions?lang=en", data={
        "csrf_token": admin, "kind": "single", "text_zh_hans": "只有一个选项", "measure": "",
        "condition_option_id": "0", "options": "唯一"})
    assert too_few.status_code == 422 and "at least two options" in too_few.get_data(as_text=True)

    client.post(f"/admin/surveys/{survey.id}/state/open", data={"csrf_token": admin})
    from werkzeug.datastructures import MultiDict

    from app.surveys import services
    from app.surveys.answers import read_answers
    from app.surveys.models import ResponseChannel
    session.expire_all()
    survey = session.get(type(survey), survey.id)
    questions = ordered_questions(survey)
    form = MultiDict({q.field_name: str(q.options[0].id) for q in questions if q.required})
    services.submit_response(session, survey, questions, read_answers(questions, form),
                             channel=ResponseChannel.INTERVIEW, submission_key="x", locale="zh_Hans")
    session.commit()
    locked = client.post(f"/admin/surveys/questions/{question.id}/delete?lang=en", data={"csrf_token": admin})
    assert locked.status_code == 303
    assert session.get(SurveyQuestion, question.id) is not None
    page = client.get(f"/admin/surveys/questions/{question.id}?lang=en").get_data(as_text=True)
    assert "only the wording can change now" in page
    reworded = client.post(f"/admin/surveys/questions/{question.id}?lang=en", data={
        "csrf_token": admin, "text_zh_hans": "您多久出行一次？（修正）", "required": "y", "measure": "",
        "condition_option_id": "0"})
    assert reworded.status_code == 303
    session.expire_all()
    assert session.get(SurveyQuestion, question.id).text_zh_hans.endswith("（修正）")


def test_state_buttons_follow_the_workflow(client, session, admin, staff):
    survey = factories.survey(session, staff["admin"], state="draft")
    session.commit()
    client.post(f"/admin/surveys/{survey.id}/state/closed", data={"csrf_token": admin})
    session.expire_all()
    assert session.get(type(survey), survey.id).state == SurveyState.DRAFT
    client.post(f"/admin/surveys/{survey.id}/state/open", data={"csrf_token": admin})
    session.expire_all()
    assert session.get(type(survey), survey.id).state == SurveyState.OPEN
    assert "surveys.open" in _actions(session, "surveys.")


def test_codes_are_generated_and_printed_with_qr_codes(client, session, admin, staff):
    survey = factories.survey(session, staff["admin"])
    session.commit()
    district = session.scalar(select(SurveyQuestion).where(SurveyQuestion.survey_id == survey.id,
                                                           SurveyQuestion.kind == "district")).options[0]
    response = client.post(f"/admin/surveys/{survey.id}/sample",
                           data={"csrf_token": admin, "count": "3", "place_id": str(district.place_id)})
    assert response.status_code == 303
    codes = session.scalars(select(SurveyInvitation.code).where(SurveyInvitation.survey_id == survey.id)).all()
    assert len(codes) == 3 and len(set(codes)) == 3 and all(re.fullmatch(r"[2-9A-HJKMNP-Z]{10}", c) for c in codes)
    sheet = client.get(f"/admin/surveys/{survey.id}/invitations/1").get_data(as_text=True)
    assert all(code in sheet for code in codes) and sheet.count("<svg") >= 3
    bad = client.post(f"/admin/surveys/{survey.id}/sample?lang=en", data={"csrf_token": admin, "count": "0",
                                                                           "place_id": "0"})
    assert bad.status_code == 422 and "Enter a number from 1 to 5000." in bad.get_data(as_text=True)


def test_quotas_are_saved_and_bad_ones_refused(client, session, admin, staff):
    survey = factories.survey(session, staff["admin"])
    session.commit()
    option = ordered_questions(survey)[0].options[0]
    client.post(f"/admin/surveys/{survey.id}/quotas", data={"csrf_token": admin, f"quota-{option.id}": "50"})
    assert session.scalar(select(SurveyQuota.target).where(SurveyQuota.option_id == option.id)) == 50
    client.post(f"/admin/surveys/{survey.id}/quotas", data={"csrf_token": admin, f"quota-{option.id}": "many"})
    session.expire_all()
    assert session.scalar(select(SurveyQuota.target).where(SurveyQuota.option_id == option.id)) == 50
    page = client.get(f"/admin/surveys/{survey.id}/sample?lang=en").get_data(as_text=True)
    assert "0 of 50" in page


def test_interviewer_enters_a_telephone_response(client, session, auth, csrf, staff):
    survey = factories.survey(session, staff["admin"])
    session.commit()
    auth.login("interviewer")
    page = client.get(f"/admin/surveys/{survey.id}/interview?lang=en").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    submission = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    questions = ordered_questions(survey)
    data = {"csrf_token": token, "submission": submission, "consent": "yes",
            **{q.field_name: str(q.options[0].id) for q in questions[:3]}}
    missing = client.post(f"/admin/surveys/{survey.id}/interview?lang=en",
                          data={k: v for k, v in data.items() if k != "consent"})
    assert missing.status_code == 422 and "Confirm that the notice was read" in missing.get_data(as_text=True)
    saved = client.post(f"/admin/surveys/{survey.id}/interview", data=data)
    assert saved.status_code == 303
    again = client.post(f"/admin/surveys/{survey.id}/interview", data=data)
    assert again.status_code == 303
    response = session.scalar(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id))
    assert response.channel == "interview" and response.interviewer_id == staff["interviewer"].id
    assert session.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_interviewer_cannot_open_the_builder(client, auth, session, staff):
    survey = factories.survey(session, staff["admin"])
    session.commit()
    auth.login("interviewer")
    assert client.get(f"/admin/surveys/{survey.id}").status_code == 403


def test_results_breakdown_is_an_htmx_fragment(client, session, admin, staff):
    survey = factories.survey(session, staff["admin"], responses=6)
    session.commit()
    district = ordered_questions(survey)[0]
    full = client.get(f"/admin/surveys/{survey.id}/results?lang=en&by={district.id}").get_data(as_text=True)
    assert "<html" in full and 'id="breakdown"' in full
    fragment = client.get(f"/admin/surveys/{survey.id}/results?lang=en&by={district.id}",
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and 'id="breakdown"' in fragment
    assert "3 respondents" in fragment  # six responses over two districts


def test_csv_export_has_one_row_per_response_and_a_column_per_multiple_choice_option(client, session, admin, staff):
    survey = factories.survey(session, staff["admin"], responses=4)
    session.commit()
    body = client.get(f"/admin/surveys/{survey.id}/export.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    header = rows[0]
    multiple = ordered_questions(survey)[3]
    assert [h for h in header if h.startswith(f"{multiple.code}_")] == [
        f"{multiple.code}_{o.position} {o.label_zh_hans}" for o in multiple.options]
    assert len(rows) == 5
    assert rows[1][header.index("Q2")] in {"满意", "比较满意", "不太满意", "不满意", "不清楚"}


def test_xlsx_export_opens_as_a_workbook(client, session, admin, staff):
    survey = factories.survey(session, staff["admin"], responses=3)
    session.commit()
    body = client.get(f"/admin/surveys/{survey.id}/export.xlsx").get_data()
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows(values_only=True))) == 4


def test_void_needs_a_reason_and_takes_the_response_out_of_the_results(client, session, admin, staff):
    survey = factories.survey(session, staff["admin"], responses=2)
    session.commit()
    response_id = session.scalar(select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id))
    empty = client.post(f"/admin/surveys/responses/{response_id}?lang=en", data={"csrf_token": admin, "reason": ""})
    assert empty.status_code == 422
    client.post(f"/admin/surveys/responses/{response_id}", data={"csrf_token": admin, "reason": "同一受访者重复作答"})
    session.expire_all()
    assert session.get(SurveyResponse, response_id).void_reason == "同一受访者重复作答"
    data = client.get(f"/api/v1/surveys/{survey.id}/results").get_json()
    assert data["respondents"] == 1
    assert "surveys.response_void" in _actions(session, "surveys.")


def test_sending_a_sampled_survey_to_the_indicators(client, session, admin, staff):
    from app.indicators.catalogue_import import import_catalogue
    from app.indicators.models import IndicatorValue

    factories.place(session, level=factories.PlaceLevel.CITY, code="city")
    result = import_catalogue(session, None, code="t", name_zh_hans="测试", first_year=2019, last_year=None, rows=[
        {"domain": "生态文化", "task": "(十)观念", "code": "37", "name_zh_hans": "公众对生态文明建设的满意度",
         "unit": "%", "target": ">=80", "property": "参考性", "scope": "市县", "provider": "surveys.satisfaction"}])
    assert not result.errors
    survey = factories.survey(session, staff["admin"], responses=8, indicator_period="2025")
    session.commit()
    response = client.post(f"/admin/surveys/{survey.id}/indicators", data={"csrf_token": admin})
    assert response.status_code == 303
    values = session.scalars(select(IndicatorValue).where(IndicatorValue.computed.is_(True))).all()
    assert values and all("抽样调查" in v.method for v in values)
    # 8 respondents, one of whom answered 不清楚 (excluded): n = 7 city-wide; the districts (3 and 4) are
    # descriptive and get no value to be judged (issue 14 item 7)
    assert [(v.place.code, v.sample_size) for v in values] == [("city", 7)]
    assert "未加权（有县市区缺少18岁及以上常住人口数据）" in values[0].method


def _place_form(token, **overrides):
    data = {"code": "newdist", "name_zh_hans": "新区", "name_zh_hant": "新區", "name_en": "New District",
            "kind": "county", "terrain": "plain", "region": "east", "moisture": "humid", "size": "",
            "population": "120000", "adult_population": "98000", "sort_order": "3", "active": "y",
            "csrf_token": token}
    data.update(overrides)
    return data


def test_admin_records_a_districts_adult_population_for_survey_weights(client, session, admin):
    """Issue 14 item 7: the districts' adult population is data, entered by an admin on the place (residents
    aged 18+, the population official satisfaction surveys sample: e.g. Jilin's CATI survey,
    https://www.stats.gov.cn/fw/dftjxmgl/dftjdczd/jl/202411/t20241108_1957323.html); audited; optional."""
    from app.org.models import Place

    response = client.post("/admin/places/new", data=_place_form(admin))
    assert response.status_code == 303
    place = session.scalar(select(Place).where(Place.code == "newdist"))
    assert (place.population, place.adult_population) == (120_000, 98_000)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "org.place_create"))
    assert entry.after["adult_population"] == 98_000
    url = f"/admin/places/{place.id}/edit"
    assert client.post(url, data=_place_form(admin, adult_population="")).status_code == 303
    session.refresh(place)
    assert place.adult_population is None


def test_an_adult_population_above_the_resident_population_is_refused(client, session, admin):
    from app.org.models import Place

    response = client.post("/admin/places/new?lang=en", data=_place_form(admin, adult_population="130000"))
    assert response.status_code == 422
    assert "The adult population cannot be larger than the resident population." in response.get_data(as_text=True)
    assert session.scalar(select(Place).where(Place.code == "newdist")) is None


def test_retention_deletes_written_answers_and_hashes_but_keeps_the_results(session, staff):
    from datetime import timedelta

    from werkzeug.datastructures import MultiDict

    from app.db_types import utcnow
    from app.surveys import queries, services
    from app.surveys.answers import read_answers
    from app.surveys.models import ResponseChannel, SurveyAnswer

    survey = factories.survey(session, staff["admin"], mode="open")
    survey.retention_days = 30
    questions = ordered_questions(survey)
    form = MultiDict({questions[0].field_name: str(questions[0].options[0].id),
                      questions[1].field_name: str(questions[1].options[0].id),
                      questions[2].field_name: str(questions[2].options[0].id), questions[4].field_name: "建议"})
    services.submit_response(session, survey, questions, read_answers(questions, form), channel=ResponseChannel.WEB,
                             submission_key="new", browser_key="n" * 64, locale="zh_Hans")
    # A response from 40 days ago, written as it would have been stored then.
    old = SurveyResponse(survey_id=survey.id, channel="web", submission_key="old", browser_key="o" * 64,
                         locale="zh_Hans", submitted_at=utcnow() - timedelta(days=40))
    session.add(old)
    session.flush()
    session.add(SurveyAnswer(response_id=old.id, question_id=questions[4].id, text="旧建议"))
    session.commit()
    before = queries.survey_results(session, survey).respondents
    assert services.apply_retention(session, survey) == 1
    session.commit()
    texts = session.scalars(select(SurveyAnswer.text).where(SurveyAnswer.text.is_not(None))).all()
    assert texts == ["建议"]
    assert session.get(SurveyResponse, old.id).browser_key is None
    assert queries.survey_results(session, survey).respondents == before
    assert "surveys.retention_applied" in _actions(session, "surveys.")
