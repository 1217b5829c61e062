"""Measures computed one by one (issue 16): an entered indicator some of whose measures a provider computes (7, 8),
judged against the target the higher authority set — entered and reviewed like any value — and against the year
before; the rest of the indicator stays entered."""
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.indicators import cache, policy, providers, queries, report, services, wording
from app.indicators.catalogue_import import import_catalogue
from app.indicators.models import DataSource, IndicatorMeasure, IndicatorValue, ValueState
from app.indicators.rules import (AllOfRule, AssignedTaskRule, SetTargetRule, Status, TrendRule, parse_target,
                                  set_targets)
from app.org.models import PlaceLevel
from tests import factories
from tests.indicators.test_english_pages import unmarked_chinese
from tests.indicators.test_imports import upload

TODAY = date(2026, 11, 23)
TASK = "完成上级规定的考核任务; 保持稳定或持续改善"
LEVEL, CHANGE = "test.good_days", "test.decrease"

# What the fake providers report: (place code, period) → value, for the level (优良天数比例) and the change
# (下降幅度, a change on the previous year).
FIGURES = {
    LEVEL: {("city", "2024"): "85", ("city", "2025"): "88", ("east", "2024"): "90", ("east", "2025"): "83"},
    CHANGE: {("city", "2024"): "3", ("city", "2025"): "1.5", ("east", "2025"): "-0.5"},
}


def fake(key):
    def provider(session, place, period):
        figure = FIGURES[key].get((place.code, period))
        if figure is None:
            return None
        return services.ComputedResult(Decimal(figure), f"按监测数据计算：{place.code} {period}", 300)
    return provider


def reports_at(session, place) -> bool:
    return place.code != "nosite"


@pytest.fixture
def world(session, staff):
    city = factories.place(session, level=PlaceLevel.CITY, code="city", terrain="hilly", name_zh_hans="云溪市",
                           name_en="Yunxi City")
    east = factories.place(session, code="east", terrain="hilly", name_zh_hans="东区", name_en="East District")
    nosite = factories.place(session, code="nosite", terrain="hilly", name_zh_hans="无站县", name_en="No-site County")
    rows = [
        {"domain": "生态安全", "task": "(二)质量", "code": "7", "unit": "%", "target": TASK, "property": "约束性",
         "scope": "市县", "lead_bureau": staff["bureaus"]["home"].code,
         "name_zh_hans": "环境空气质量(优良天数比例; PM2.5浓度下降幅度; 黑臭水体消除比例)",
         "name_en": "Air and water quality (good-day ratio; PM2.5 reduction; black-odorous water elimination)",
         "provider": f"{LEVEL}; {CHANGE}; "},
        {"domain": "生态安全", "task": "(二)质量", "code": "2", "name_zh_hans": "危险废物利用处置率", "unit": "%",
         "target": "100", "property": "约束性", "scope": "市县", "lead_bureau": staff["bureaus"]["home"].code},
    ]
    catalogue = import_catalogue(session, None, code="t16", name_zh_hans="测试", first_year=2019, last_year=None,
                                 rows=rows).catalogue
    providers.register_provider(LEVEL, fake(LEVEL), reports_at=reports_at)
    providers.register_provider(CHANGE, fake(CHANGE), reports_at=reports_at, yearly_change=True)
    session.commit()
    indicator = next(i for i in queries.catalogue_indicators(session, catalogue) if i.code == "7")
    level, change, entered = indicator.measures
    yield {"city": city, "east": east, "nosite": nosite, "catalogue": catalogue, "indicator": indicator,
           "level": level, "change": change, "entered": entered, **staff}
    providers.unregister_provider(LEVEL)
    providers.unregister_provider(CHANGE)


def enter_target(session, world, measure, place, period, figure, *, approve=True):
    """The higher authority's target for a computed measure, entered by the bureau and approved by the reviewer."""
    value = services.save_draft(session, world["bureau_editor"], measure.assigned_target, place, period,
                                services.ValueInput(numeric_value=Decimal(figure), source="省生态环境厅考核目标"),
                                today=TODAY)
    services.submit_value(session, world["bureau_editor"], value)
    if approve:
        services.approve_value(session, world["reviewer"], value)
    session.commit()
    return value


def judged(session, world, period="2025"):
    return queries.compliance(session, world["catalogue"], period, [world["city"], world["east"], world["nosite"]])


def measure_status(result, world, key, place="city"):
    status = result.status(world["indicator"], world[place])
    return next(e for m, e in status.measures if m.id == world[key].id)


# --- the rules ----------------------------------------------------------------------------------------------

def test_a_task_set_by_the_higher_authority_becomes_its_figure_for_a_computed_measure():
    rule = set_targets(parse_target(TASK), Decimal("80"))
    assert rule == AllOfRule((SetTargetRule("完成上级规定的考核任务", Decimal("80")), TrendRule("保持稳定或持续改善")))
    place = {"level": "city"}
    assert rule.evaluate(88, place=place, previous=85).status == Status.MET
    worse = rule.evaluate(83, place=place, previous=85)
    assert worse.status == Status.NOT_MET and worse.gap == 2  # the trend's gap, the target being reached
    below = rule.evaluate(78, place=place, previous=70)
    assert below.status == Status.NOT_MET and below.gap == 2  # short of the target by 2
    assert "awaiting the target" in set_targets(parse_target(TASK), None).evaluate(88, place=place, previous=85).reason
    lower = SetTargetRule("完成上级规定的考核任务", Decimal("35")).evaluate(36, place=place, higher_is_better=False)
    assert lower.status == Status.NOT_MET and lower.gap == 1  # at most the target where lower is better
    assert set_targets(parse_target(">=80"), Decimal("90")) == parse_target(">=80")  # no task, nothing to set
    assert isinstance(parse_target(TASK).parts[0], AssignedTaskRule)  # the parsed catalogue text is unchanged


# --- the catalogue --------------------------------------------------------------------------------------------

def test_computed_measures_get_a_companion_for_the_higher_authoritys_target(session, world):
    indicator = world["indicator"]
    assert indicator.data_source == DataSource.ENTERED and indicator.has_computed_measures
    assert [(m.code, m.provider) for m in indicator.measures] == [("7.1", LEVEL), ("7.2", CHANGE), ("7.3", None)]
    companions = session.scalars(select(IndicatorMeasure).where(IndicatorMeasure.target_of_id.is_not(None))
                                 .order_by(IndicatorMeasure.code)).all()
    assert [(m.code, m.target_of.code, m.unit) for m in companions] == [("7.1-target", "7.1", "%"),
                                                                        ("7.2-target", "7.2", "%")]
    assert companions[0].name_zh_hans == "优良天数比例（上级下达的考核目标）"
    assert companions[0].name_en == "good-day ratio (target set by the higher authority)"
    assert [m.code for m in indicator.entered_measures] == ["7.1-target", "7.2-target", "7.3"]


def test_a_provider_cell_must_name_one_key_per_sub_indicator(session, staff):
    rows = [{"domain": "生态安全", "task": "t", "code": "8", "name_zh_hans": "水环境质量(甲; 乙; 丙)", "unit": "%",
             "target": TASK, "scope": "市县", "provider": "a.b; c.d"}]
    with force_locale("en"):
        result = import_catalogue(session, None, code="bad", name_zh_hans="x", first_year=2020, last_year=None,
                                  rows=rows)
    assert result.catalogue is None
    assert result.errors == [(2, "The provider cell lists 2 keys for 3 sub-indicators: give one for each, in order "
                                 "(empty for those entered by hand), or a single key for the whole indicator.")]


# --- computed values ----------------------------------------------------------------------------------------

def test_each_computed_measure_is_recorded_with_its_method_and_sample_size(session, world):
    assert providers.refresh_computed_values(session, world["catalogue"], "2025") == 4
    assert providers.refresh_computed_values(session, world["catalogue"], "2025") == 0  # unchanged
    session.commit()
    values = session.scalars(select(IndicatorValue).where(IndicatorValue.period == "2025")).all()
    recorded = {(v.measure.code, v.place.code): v for v in values}
    assert set(recorded) == {("7.1", "city"), ("7.1", "east"), ("7.2", "city"), ("7.2", "east")}  # not at nosite
    good_days = recorded[("7.1", "city")]
    assert good_days.computed and good_days.state == ValueState.APPROVED and good_days.numeric_value == 88
    assert good_days.sample_size == 300 and good_days.source == LEVEL and "按监测数据计算" in good_days.method


def test_a_computed_measure_is_nobodys_to_enter_but_its_target_is_the_lead_bureaus(session, world):
    editor, level = world["bureau_editor"], world["level"]
    assert not policy.can_edit_measure(editor, level) and not policy.can_edit_measure(world["admin"], level)
    assert policy.can_edit_measure(editor, level.assigned_target) and policy.can_edit_measure(editor, world["entered"])
    assert not policy.can_edit_measure(world["other_editor"], level.assigned_target)
    with pytest.raises(services.NotYourIndicator):
        services.save_draft(session, editor, level, world["city"], "2025",
                            services.ValueInput(numeric_value=Decimal("99"), source="手填"), today=TODAY)
    with pytest.raises(services.IndicatorError):
        services.record_computed_value(session, level.assigned_target, world["city"], "2025",
                                       services.ComputedResult(Decimal("1"), "x"))
    with force_locale("en"), pytest.raises(services.IndicatorError, match="target the higher authority set"):
        services.save_draft(session, editor, level.assigned_target, world["city"], "2025",
                            services.ValueInput(source="省厅"), today=TODAY)


# --- the judgement ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("place", "target", "expected", "gap"), [
    ("city", "80", Status.MET, None),        # 88 reaches 80 and is better than 85 a year before
    ("east", "80", Status.NOT_MET, 7),       # 83 reaches 80 but is worse than 90 a year before
    ("city", "90", Status.NOT_MET, 2),       # 88 is better than 85 but short of 90
    ("city", None, Status.PENDING, None),    # no target entered yet: awaiting assessment
])
def test_a_computed_measure_is_met_when_it_reaches_the_target_and_is_stable_or_better(session, world, place, target,
                                                                                      expected, gap):
    for period in ("2024", "2025"):
        providers.refresh_computed_values(session, world["catalogue"], period)
    if target is not None:
        enter_target(session, world, world["level"], world[place], "2025", target)
    session.commit()
    evaluation = measure_status(judged(session, world), world, "level", place)
    assert evaluation.status == expected
    assert (evaluation.gap if expected == Status.NOT_MET else None) == gap
    if target is None:
        assert "awaiting the target set by the higher authority" in evaluation.reason


def test_a_target_counts_only_once_approved(session, world):
    providers.refresh_computed_values(session, world["catalogue"], "2024")
    providers.refresh_computed_values(session, world["catalogue"], "2025")
    submitted = enter_target(session, world, world["level"], world["city"], "2025", "80", approve=False)
    assert measure_status(judged(session, world), world, "level").status == Status.PENDING
    services.approve_value(session, world["reviewer"], submitted)
    session.commit()
    assert measure_status(judged(session, world), world, "level").status == Status.MET


def test_a_change_on_the_previous_year_is_stable_when_not_below_zero(session, world):
    """下降幅度 is already reckoned on the previous year: 1.5 after last year's 3 is still a fall, so stable or better
    (not "worse than 3"); −0.5 is a rise, worse, even though it reaches a target of −1."""
    for period in ("2024", "2025"):
        providers.refresh_computed_values(session, world["catalogue"], period)
    enter_target(session, world, world["change"], world["city"], "2025", "1")
    enter_target(session, world, world["change"], world["east"], "2025", "-1")
    result = judged(session, world)
    assert measure_status(result, world, "change").status == Status.MET
    east = measure_status(result, world, "change", "east")
    assert east.status == Status.NOT_MET and east.gap == pytest.approx(0.5)
    found = result.finding(world["change"], world["east"])
    assert (found.target_status, found.trend_status, found.yearly_change) == (Status.MET, Status.NOT_MET, True)


def test_the_indicator_combines_computed_and_entered_measures_and_skips_what_cannot_be_computed(session, world):
    for period in ("2024", "2025"):
        providers.refresh_computed_values(session, world["catalogue"], period)
    for place in (world["city"], world["nosite"]):
        for year, number in (("2024", "60"), ("2025", "70")):
            factories.approved_value(session, world["entered"], place, period=year, numeric_value=Decimal(number),
                                     task_completed=True)
    enter_target(session, world, world["level"], world["city"], "2025", "80")
    enter_target(session, world, world["change"], world["city"], "2025", "0")
    result = judged(session, world)
    assert result.status(world["indicator"], world["city"]).status == Status.MET
    # No site at nosite: the computed measures do not apply there, the indicator is judged on the entered one.
    nosite = result.status(world["indicator"], world["nosite"])
    assert [e.status for _m, e in nosite.measures] == [Status.NOT_APPLICABLE, Status.NOT_APPLICABLE, Status.MET]
    assert nosite.status == Status.MET


def test_the_gap_report_says_whether_the_task_set_by_the_higher_authority_is_completed(session, world):
    for period in ("2024", "2025"):
        providers.refresh_computed_values(session, world["catalogue"], period)
    enter_target(session, world, world["level"], world["city"], "2025", "90")
    enter_target(session, world, world["level"], world["east"], "2025", "80")
    result = judged(session, world)
    with force_locale("en"):
        [city] = [s for s in report.shortfalls_at(result, world["indicator"], world["city"])
                  if s.measure.code == "7.1"]
    assert (city.task, city.gap) == (report.TaskStatus.NOT_COMPLETED, 2)
    [east] = [s for s in report.shortfalls_at(result, world["indicator"], world["east"]) if s.measure.code == "7.1"]
    assert (east.task, east.gap) == (report.TaskStatus.COMPLETED, 7)  # the target is reached; the trend fails
    [east_change] = [s for s in report.shortfalls_at(result, world["indicator"], world["east"])
                     if s.measure.code == "7.2"]
    assert east_change.task == report.TaskStatus.NO_TARGET
    assert str(city.target_here) == ("the target set by the higher authority, at least 90\u00a0% and stable or "
                                     "better than in the same period a year before")


# --- the cache ----------------------------------------------------------------------------------------------

def test_an_approved_target_and_a_new_computed_value_move_the_cache_generation(session, world):
    start = cache.generation(session)
    submitted = enter_target(session, world, world["level"], world["city"], "2025", "80", approve=False)
    assert cache.generation(session) == start  # a submitted target is not public
    services.approve_value(session, world["reviewer"], submitted)
    session.commit()
    approved = cache.generation(session)
    assert approved > start
    providers.refresh_computed_values(session, world["catalogue"], "2025")
    session.commit()
    computed = cache.generation(session)
    assert computed > approved
    providers.refresh_computed_values(session, world["catalogue"], "2025")  # the same figures again
    session.commit()
    assert cache.generation(session) == computed
    FIGURES[LEVEL][("city", "2025")] = "88.5"
    try:
        providers.refresh_computed_values(session, world["catalogue"], "2025")
        session.commit()
    finally:
        FIGURES[LEVEL][("city", "2025")] = "88"
    assert cache.generation(session) > computed


def test_the_public_page_follows_a_corrected_target_at_once(client, session, world):
    for period in ("2024", "2025"):
        providers.refresh_computed_values(session, world["catalogue"], period)
    enter_target(session, world, world["level"], world["city"], "2025", "80")
    assert "at least 80\u00a0%, reached" in client.get("/indicators/7?period=2025&lang=en").get_data(as_text=True)
    value = services.save_draft(session, world["bureau_editor"], world["level"].assigned_target, world["city"],
                                "2025", services.ValueInput(numeric_value=Decimal("92"), source="省厅更正",
                                                            correction_reason="省厅下发更正"), today=TODAY)
    services.submit_value(session, world["bureau_editor"], value)
    services.approve_value(session, world["reviewer"], value)
    session.commit()
    body = client.get("/indicators/7?period=2025&lang=en").get_data(as_text=True)
    assert "at least 92\u00a0%, not reached" in body and "at least 80\u00a0%, reached" not in body


# --- the pages ----------------------------------------------------------------------------------------------

def test_the_public_page_shows_method_sample_target_and_judgement_in_english(client, session, world, monkeypatch):
    monkeypatch.setitem(wording.PROVIDER_METHODS, LEVEL, "Computed by this site from the air monitoring data.")
    for period in ("2024", "2025"):
        providers.refresh_computed_values(session, world["catalogue"], period)
    enter_target(session, world, world["level"], world["city"], "2025", "80")
    enter_target(session, world, world["change"], world["city"], "2025", "1")
    enter_target(session, world, world["level"], world["east"], "2025", "80")
    body = client.get("/indicators/7?period=2025&lang=en").get_data(as_text=True)
    city = body.split("Yunxi City</th>")[1].split("</tr>")[0]
    assert "good-day ratio</strong>: 88\u00a0%" in city
    assert "Target set by the higher authority: at least 80\u00a0%, reached" in city
    assert "A year before: 85\u00a0%, stable or better" in city
    assert "Computed by this site from the air monitoring data." in city and "sample size 300" in city
    assert "the figure is itself the change on the previous year" in city
    assert 'status status-met">Met' in city
    east = body.split("East District</th>")[1].split("</tr>")[0]
    assert "A year before: 90\u00a0%, worse" in east and 'status status-not_met">Not met' in east
    assert "Target set by the higher authority: not entered yet" in east  # 7.2 at east
    nosite = body.split("No-site County</th>")[1].split("</tr>")[0]
    assert "Not applicable" in nosite and "Target set by the higher authority" not in nosite
    assert "Partly computed by this site" in body
    assert "The figure is itself a change on the previous year" in body
    assert "Target set by the higher authority · good-day ratio: 80\u00a0%" in body  # in the history
    assert unmarked_chinese(body) == []
    for key in (LEVEL, CHANGE, "且", "&gt;="):
        assert key not in body


def test_the_api_gives_the_target_beside_the_computed_value(client, session, world):
    providers.refresh_computed_values(session, world["catalogue"], "2025")
    enter_target(session, world, world["level"], world["city"], "2025", "80")
    indicator = next(i for i in client.get("/api/v1/indicators?period=2025").get_json()["indicators"]
                     if i["code"] == "7")
    level, change, entered = indicator["measures"]
    assert level["value"]["number"] == 88 and level["value"]["computed"] and level["value"]["sample_size"] == 300
    assert level["assigned_target"]["number"] == 80 and not level["assigned_target"]["computed"]
    assert change["assigned_target"] is None and entered["assigned_target"] is None


def test_staff_enter_the_target_not_the_computed_value(client, auth, csrf, session, world):
    auth.login("editor")
    tasks = client.get("/admin/indicators/?period=2025&lang=en").get_data(as_text=True)
    level = world["level"]
    assert "Target set by the higher authority for good-day ratio" in tasks
    assert f"/admin/indicators/values/{level.assigned_target.id}/{world['city'].id}/2025" in tasks
    assert f"/admin/indicators/values/{level.id}/" not in tasks
    response = client.get(f"/admin/indicators/values/{level.id}/{world['city'].id}/2025")
    assert response.status_code == 403
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "indicators.edit_denied"))
    url = f"/admin/indicators/values/{level.assigned_target.id}/{world['city'].id}/2025?lang=en"
    form = client.get(url).get_data(as_text=True)
    assert "Target set by the higher authority (%)" in form and "This site computes" in form
    token = csrf.token(client, url)
    response = client.post(url, data={"numeric_value": "", "source": "省厅文件", "csrf_token": token})
    assert response.status_code == 422 and "省厅文件" in response.get_data(as_text=True)
    response = client.post(url, data={"numeric_value": "80", "source": "省厅文件", "submit_for_review": "y",
                                      "csrf_token": token})
    assert response.status_code == 303
    value = session.scalar(select(IndicatorValue).where(IndicatorValue.measure_id == level.assigned_target.id))
    assert value.state == ValueState.SUBMITTED and value.numeric_value == 80


def test_a_sheet_enters_targets_and_refuses_computed_measures(client, auth, csrf, session, world):
    auth.login("editor")
    header = ["指标序号", "地区代码", "期间", "数值", "佐证材料", "数据来源"]
    response = upload(client, csrf, [header, ["7.1", "city", "2025", "88", "", "手填"],
                                     ["7.1-target", "city", "2025", "80", "", "省厅文件"]])
    assert response.status_code == 422
    assert ("7.1 is computed by this site from other data and cannot be entered; enter the target the higher "
            "authority set for it as 7.1-target.") in response.get_data(as_text=True)
    assert session.scalar(select(func.count(IndicatorValue.id))) == 0
    response = upload(client, csrf, [header, ["7.1-target", "city", "2025", "80", "", "省厅文件"]])
    assert response.status_code == 303
    value = session.scalar(select(IndicatorValue))
    assert value.measure_id == world["level"].assigned_target.id and value.state == ValueState.SUBMITTED


def test_the_refresh_command_records_a_periods_computed_values_once(runner, session, world):
    first = runner.invoke(args=["indicators-refresh", "--period", "2025"])
    assert first.exit_code == 0 and "4 computed values recorded for 2025 under catalogue t16" in first.output
    again = runner.invoke(args=["indicators-refresh", "--period", "2025"])
    assert again.exit_code == 0 and "0 computed values recorded" in again.output
    assert session.scalar(select(func.count(IndicatorValue.id)).where(IndicatorValue.computed.is_(True))) == 4
    assert runner.invoke(args=["indicators-refresh", "--period", "2099"]).exit_code != 0
    assert runner.invoke(args=["indicators-refresh", "--period", "1990"]).exit_code != 0  # no catalogue then
