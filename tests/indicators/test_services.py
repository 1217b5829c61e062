"""Catalogue import, the value workflow, computed values and compliance, against the database."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.indicators import policy, providers, queries, services
from app.indicators.catalogue_import import import_catalogue
from app.indicators.models import IndicatorValue, ValueState
from app.indicators.rules import Status
from app.indicators.workflow import TransitionError
from app.org.models import PlaceLevel
from tests import factories

TODAY = date(2026, 11, 23)


@pytest.fixture
def world(session, staff):
    city = factories.place(session, level=PlaceLevel.CITY, code="city", terrain="hilly")
    mountain = factories.place(session, code="mountain", terrain="mountain")
    catalogue = factories.catalogue(session, lead_bureau=staff["bureaus"]["home"])
    session.commit()
    indicators = {i.code: i for i in queries.catalogue_indicators(session, catalogue)}
    return {"city": city, "mountain": mountain, "catalogue": catalogue, "ind": indicators, **staff}


def measure(world, code):
    return world["ind"][code].measures[0]


def test_catalogue_rows_are_all_validated_before_anything_is_written(session, staff):
    rows = [
        {"domain": "生态制度", "task": "t", "code": "1", "name_zh_hans": "a", "target": "制定实施", "scope": "市县"},
        {"domain": "生态制度", "task": "t", "code": "1", "name_zh_hans": "b", "target": ">=abc", "scope": "省"},
        {"domain": "", "task": "t", "code": "3", "name_zh_hans": "c", "target": ">=1", "scope": "市",
         "lead_bureau": "no-such-bureau", "property": "必须"},
    ]
    with factories_locale():
        result = import_catalogue(session, None, code="bad", name_zh_hans="x", first_year=2020, last_year=None,
                                  rows=rows)
    assert result.catalogue is None
    rows_with_errors = {number for number, _ in result.errors}
    assert rows_with_errors == {3, 4}
    messages = " ".join(message for _, message in result.errors)
    assert "appears twice" in messages and "cannot be read" in messages and "Unknown lead bureau" in messages
    assert "Unknown scope" in messages and "Unknown property" in messages and "domain is empty" in messages
    from app.indicators.models import IndicatorCatalogue
    assert session.scalar(select(IndicatorCatalogue)) is None


def factories_locale():
    from flask_babel import force_locale

    return force_locale("en")


def test_sub_indicators_become_measures_with_their_own_targets(session):
    result = import_catalogue(session, None, code="subs", name_zh_hans="x", first_year=2020, last_year=None, rows=[
        {"domain": "d", "task": "t", "code": "23",
         "name_zh_hans": "农业废弃物综合利用率(秸秆综合利用率; 畜禽粪污综合利用率)",
         "name_en": "Agricultural waste (straw; manure)", "unit": "%", "target": ">=90; >=75", "scope": "县"}])
    indicator = result.catalogue.domains[0].task_groups[0].indicators[0]
    assert indicator.name_zh_hans == "农业废弃物综合利用率"
    assert [(m.code, m.name_zh_hans, m.name_en, m.target) for m in indicator.measures] == [
        ("23.1", "秸秆综合利用率", "straw", ">= 90"), ("23.2", "畜禽粪污综合利用率", "manure", ">= 75")]


def test_editor_saves_submits_and_reviewer_approves(session, world):
    draft = services.save_draft(session, world["bureau_editor"], measure(world, "2"), world["city"], "2025",
                                services.ValueInput(numeric_value=Decimal("100"), evidence="年报"), today=TODAY)
    assert draft.state == ValueState.DRAFT
    services.submit_value(session, world["bureau_editor"], draft)
    services.approve_value(session, world["reviewer"], draft)
    session.commit()
    assert draft.state == ValueState.APPROVED and draft.reviewed_by_id == world["reviewer"].id
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "indicator_values")
                              .order_by(AuditEntry.id)).all()
    assert actions == ["indicators.value_save", "indicators.value_submit", "indicators.value_approve"]


def test_reviewer_cannot_approve_own_value(session, world):
    value = services.save_draft(session, world["admin"], measure(world, "2"), world["city"], "2025",
                                services.ValueInput(numeric_value=Decimal("99"), evidence="x"), today=TODAY)
    services.submit_value(session, world["admin"], value)
    with pytest.raises(services.IndicatorError):
        services.approve_value(session, world["admin"], value)


def test_return_needs_a_comment_and_can_be_resubmitted(session, world):
    value = services.save_draft(session, world["bureau_editor"], measure(world, "2"), world["city"], "2025",
                                services.ValueInput(numeric_value=Decimal("98"), evidence="x"), today=TODAY)
    services.submit_value(session, world["bureau_editor"], value)
    with pytest.raises(services.IndicatorError):
        services.return_value(session, world["reviewer"], value, "  ")
    services.return_value(session, world["reviewer"], value, "请附监测报告")
    assert value.state == ValueState.RETURNED
    again = services.save_draft(session, world["bureau_editor"], measure(world, "2"), world["city"], "2025",
                                services.ValueInput(numeric_value=Decimal("99"), evidence="附监测报告"), today=TODAY)
    assert again.id == value.id and again.version == 1
    services.submit_value(session, world["bureau_editor"], again)
    assert again.state == ValueState.SUBMITTED


def test_forbidden_transitions_are_refused(session, world):
    value = services.save_draft(session, world["bureau_editor"], measure(world, "2"), world["city"], "2025",
                                services.ValueInput(numeric_value=Decimal("98"), evidence="x"), today=TODAY)
    with pytest.raises(TransitionError):
        services.approve_value(session, world["reviewer"], value)
    with pytest.raises(TransitionError):
        services.return_value(session, world["reviewer"], value, "no")


def test_approved_value_is_corrected_by_a_new_version_with_a_reason(session, world):
    m = measure(world, "2")
    first = services.save_draft(session, world["bureau_editor"], m, world["city"], "2025",
                                services.ValueInput(numeric_value=Decimal("97"), evidence="x"), today=TODAY)
    services.submit_value(session, world["bureau_editor"], first)
    services.approve_value(session, world["reviewer"], first)
    with factories_locale(), pytest.raises(services.IndicatorError, match="reason"):
        services.save_draft(session, world["bureau_editor"], m, world["city"], "2025",
                            services.ValueInput(numeric_value=Decimal("100"), evidence="x"), today=TODAY)
    second = services.save_draft(session, world["bureau_editor"], m, world["city"], "2025",
                                 services.ValueInput(numeric_value=Decimal("100"), evidence="x",
                                                     correction_reason="统计口径调整"), today=TODAY)
    assert second.version == 2 and first.state == ValueState.APPROVED
    services.submit_value(session, world["bureau_editor"], second)
    services.approve_value(session, world["reviewer"], second)
    assert first.state == ValueState.SUPERSEDED and first.numeric_value == Decimal("97")


def test_a_correction_is_approved_on_the_workflow_engine_with_the_superseding_audited_first(session, world):
    services.WORKFLOW.check()
    m = measure(world, "2")
    first = services.save_draft(session, world["bureau_editor"], m, world["city"], "2025",
                                services.ValueInput(numeric_value=Decimal("97"), evidence="x"), today=TODAY)
    services.submit_value(session, world["bureau_editor"], first)
    services.approve_value(session, world["reviewer"], first)
    second = services.save_draft(session, world["bureau_editor"], m, world["city"], "2025",
                                 services.ValueInput(numeric_value=Decimal("100"), evidence="x",
                                                     correction_reason="统计口径调整"), today=TODAY)
    services.submit_value(session, world["bureau_editor"], second)
    with pytest.raises(TypeError):  # the engine needs the acting user
        services.approve_value(session, None, second)
    services.approve_value(session, world["reviewer"], second)
    session.commit()
    entries = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "indicator_values")
                              .order_by(AuditEntry.id)).all()
    supersede, approve = entries[-2:]
    assert (supersede.action, supersede.object_id, supersede.note) == (
        "indicators.value_supersede", str(first.id), "superseded by version 2")
    assert supersede.before["state"] == "approved" and supersede.after["state"] == "superseded"
    assert (approve.action, approve.object_id, approve.after["state"]) == (
        "indicators.value_approve", str(second.id), "approved")


@pytest.mark.parametrize("period, message", [("2099", "has not started"), ("20x5", "not a period"),
                                             ("2025-13", "not a period")])
def test_bad_periods_are_refused(session, world, period, message):
    with factories_locale(), pytest.raises(services.IndicatorError, match=message):
        services.save_draft(session, world["bureau_editor"], measure(world, "2"), world["city"], period,
                            services.ValueInput(numeric_value=Decimal("1")), today=TODAY)


def test_missing_or_wrong_kind_of_input_is_refused(session, world):
    with factories_locale():
        with pytest.raises(services.IndicatorError, match="number"):
            services.save_draft(session, world["bureau_editor"], measure(world, "2"), world["city"], "2025",
                                services.ValueInput(state_value="建立"), today=TODAY)
        with pytest.raises(services.IndicatorError, match="state"):
            services.save_draft(session, world["bureau_editor"], measure(world, "1"), world["city"], "2025",
                                services.ValueInput(numeric_value=Decimal("5")), today=TODAY)
        with pytest.raises(services.IndicatorError, match="applies everywhere"):
            services.save_draft(session, world["bureau_editor"], measure(world, "2"), world["city"], "2025",
                                services.ValueInput(not_applicable=True, not_applicable_reason="x"), today=TODAY)


def test_coastal_indicator_applies_by_the_places_attribute_not_by_a_typed_value(session, world):
    """2019 table (环生态〔2019〕76号), rows 9, 13 and 18 apply to coastal areas only (沿海地区): the place's
    coastal attribute decides, so an inland place cannot report them and a coastal one cannot type them away."""
    m = measure(world, "5")
    with pytest.raises(services.IndicatorError):  # does not apply to an inland place
        services.save_draft(session, world["bureau_editor"], m, world["city"], "2025",
                            services.ValueInput(numeric_value=Decimal("40"), evidence="x"), today=TODAY)
    world["city"].coastal = True
    with pytest.raises(services.IndicatorError):  # applicability follows the attribute
        services.save_draft(session, world["bureau_editor"], m, world["city"], "2025",
                            services.ValueInput(not_applicable=True, not_applicable_reason="非沿海",
                                                evidence="x"), today=TODAY)
    value = services.save_draft(session, world["bureau_editor"], m, world["city"], "2025",
                                services.ValueInput(numeric_value=Decimal("40"), evidence="x"), today=TODAY)
    assert value.numeric_value == Decimal("40")


def test_editor_cannot_touch_another_bureaus_indicator(session, world):
    with pytest.raises(services.NotYourIndicator):
        services.save_draft(session, world["other_editor"], measure(world, "2"), world["city"], "2025",
                            services.ValueInput(numeric_value=Decimal("1")), today=TODAY)


def test_computed_indicator_is_never_edited_by_hand(session, world):
    assert not policy.can_edit(world["admin"], world["ind"]["6"])


def test_status_is_computed_from_rule_place_and_previous_period(session, world):
    city, mountain = world["city"], world["mountain"]
    factories.approved_value(session, measure(world, "1"), city, state_value="制定实施")
    factories.approved_value(session, measure(world, "2"), city, numeric_value=Decimal("96.5"))
    factories.approved_value(session, measure(world, "3"), city, numeric_value=Decimal("45"))
    factories.approved_value(session, measure(world, "3"), mountain, numeric_value=Decimal("45"))
    factories.approved_value(session, measure(world, "4"), city, period="2024", numeric_value=Decimal("60"))
    factories.approved_value(session, measure(world, "4"), city, numeric_value=Decimal("58"))
    session.commit()
    result = queries.compliance(session, world["catalogue"], "2025", [city, mountain])
    status = {code: result.status(world["ind"][code], city).status for code in world["ind"]}
    assert status == {"1": Status.MET, "2": Status.NOT_MET, "3": Status.MET, "4": Status.MET,
                      "5": Status.NOT_APPLICABLE, "6": Status.PENDING}  # 5 is coastal; the city is not
    assert result.status(world["ind"]["2"], city).gap == pytest.approx(3.5)
    assert result.status(world["ind"]["3"], mountain).status == Status.NOT_MET  # mountain target is >= 60
    assert result.count(city, Status.MET) == 3 and len(result.applicable(city)) == 5


def test_computed_values_come_from_a_registered_provider(session, world):
    calls = []

    def fake_survey(session_, place, period):
        calls.append((place.code, period))
        return services.ComputedResult(Decimal("86.4"), "share satisfied, 不清楚 excluded; 95% CI ±3.1", 812)

    providers.register_provider("test.satisfaction", fake_survey)
    try:
        assert providers.refresh_computed_values(session, world["catalogue"], "2025") == 2
        assert providers.refresh_computed_values(session, world["catalogue"], "2025") == 0  # unchanged
    finally:
        providers.unregister_provider("test.satisfaction")
    session.commit()
    value = session.scalar(select(IndicatorValue).where(IndicatorValue.place_id == world["city"].id,
                                                        IndicatorValue.computed.is_(True)))
    assert value.state == ValueState.APPROVED and value.sample_size == 812 and "CI" in value.method
    result = queries.compliance(session, world["catalogue"], "2025", [world["city"]])
    assert result.status(world["ind"]["6"], world["city"]).status == Status.MET
    assert set(calls) == {("city", "2025"), ("mountain", "2025")}


def test_district_ranking_orders_by_rate(session, world):
    second = factories.place(session, code="plain", terrain="plain")
    factories.approved_value(session, measure(world, "2"), world["mountain"], numeric_value=Decimal("100"))
    factories.approved_value(session, measure(world, "2"), second, numeric_value=Decimal("50"))
    session.commit()
    places = [world["mountain"], second]
    rows = queries.district_ranking(queries.compliance(session, world["catalogue"], "2025", places), places)
    assert [(r["place"].code, r["rank"], r["met"]) for r in rows] == [("mountain", 1, 1), ("plain", 2, 0)]
    assert [i.code for i in rows[1]["failing"]] == ["2"]
