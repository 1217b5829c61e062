"""After `flask seed-demo`, indicators 7 and 8 of the catalogue in force are computed measure by measure from the
demo's monitoring data, with the province's targets entered through the value workflow and a judgement (issue 16)."""
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.i18n import local_today
from app.indicators.models import IndicatorMeasure, IndicatorValue, ValueState


def test_the_demo_computes_7_and_8_and_judges_them_against_the_entered_targets(runner, client, session):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    year = local_today().year - 1  # the last full year of monitoring data
    targets = session.scalars(
        select(IndicatorValue).join(IndicatorMeasure, IndicatorMeasure.id == IndicatorValue.measure_id)
        .where(IndicatorMeasure.target_of_id.is_not(None), IndicatorValue.period == str(year))).all()
    assert targets and {v.state for v in targets} == {ValueState.APPROVED} and not any(v.computed for v in targets)
    # Entered and reviewed like any value: each target was submitted and approved, and the audit log says so.
    assert all(v.entered_by_id and v.reviewed_by_id and v.entered_by_id != v.reviewed_by_id for v in targets)
    assert session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action == "indicators.value_approve")) >= len(targets)

    air = client.get(f"/indicators/7?period={year}&lang=en").get_data(as_text=True)
    city = air.split("Yunxi City</th>")[1].split("</tr>")[0]
    assert "good-day ratio</strong>:" in city and "PM2.5 reduction</strong>:" in city
    assert "Computed by this site from the air monitoring data" in city and "sample size 3" in city
    assert "Target set by the higher authority: at least 80\u00a0%, reached" in city
    assert 'status status-met">Met' in city or 'status status-not_met">Not met' in city
    # A district given a stricter target than the others.
    qingjiang = air.split("Qingjiang (county-level city)</th>")[1].split("</tr>")[0]
    assert "Target set by the higher authority: at least 86\u00a0%" in qingjiang
    # No air station in Songling County: 7 does not apply there.
    songling = air.split("Songling County</th>")[1].split("</tr>")[0]
    assert "Not applicable" in songling

    water = client.get(f"/indicators/8?period={year}&lang=en").get_data(as_text=True)
    city = water.split("Yunxi City</th>")[1].split("</tr>")[0]
    assert "Computed by this site from the surface-water monitoring data" in city and "sample size 10" in city
    assert "Target set by the higher authority: at least 0\u00a0%, reached" in city
    assert "black-odorous water elimination</strong>:" in city  # entered, as before
    assert "environment." not in air and "environment." not in water
