"""Read-only open-data API, version 1: /api/v1/indicators and /api/v1/districts/compliance.

Documented in README ("Open-data API"); fields are only ever added within v1, never renamed or removed.
"""
from flask import Blueprint, jsonify
from flask_babel import force_locale

from app.i18n import LOCALES
from app.indicators import queries, wording
from app.indicators.views import in_force

bp = Blueprint("indicators_api", __name__, url_prefix="/api/v1")


def _number(value):
    return float(value) if value is not None else None


def _in_words(words) -> dict:
    """words() (a wording function call) in each locale, as plain text: the readable companion of a machine field."""
    texts = {}
    for locale in LOCALES:
        with force_locale(locale):
            texts[locale] = str(words())
    return texts


def _coverage(snap, period: str) -> dict | None:
    """How complete the period is at the city (periods.Coverage), so that a client can tell a sparse period."""
    found = next((c for c in snap.coverage() if c.period == period), None)
    return None if found is None else {"reported": found.reported, "applicable": found.applicable,
                                       "substantial": found.substantial}


def _value(value, measure, indicator) -> dict | None:
    if value is None:
        return None
    data = {"number": _number(value.numeric_value), "state": value.state_value, "task_completed": value.task_completed,
            "not_applicable": value.not_applicable, "version": value.version, "computed": value.computed,
            "method": value.method or None, "sample_size": value.sample_size, "source": value.source or None,
            "text": _in_words(lambda: wording.value(value, measure))}
    if value.computed:
        data["method_text"] = _in_words(lambda: wording.method(value, indicator))
    return data


def _version(catalogue) -> dict:
    """The catalogue version a period is judged under: names, document number, years of application, note."""
    return {"code": catalogue.code, "document": catalogue.document or None, "first_year": catalogue.first_year,
            "last_year": catalogue.last_year,
            "name": {"zh_Hans": catalogue.name_zh_hans, "zh_Hant": catalogue.name_zh_hant, "en": catalogue.name_en},
            "note": {"zh_Hans": catalogue.note_zh_hans, "zh_Hant": catalogue.note_zh_hant, "en": catalogue.note_en}}


@bp.get("/indicators")
def indicators():
    """Every indicator of the catalogue in force with its targets and the city's current status."""
    shown = in_force()
    snap, period, catalogue, city, result = shown.snap, shown.period, shown.catalogue, shown.city, shown.result
    items = []
    for indicator in result.indicators:
        judged = result.status(indicator, city)
        items.append({
            "code": indicator.code, "name": {"zh_Hans": indicator.name_zh_hans, "zh_Hant": indicator.name_zh_hant,
                                             "en": indicator.name_en},
            "domain": indicator.task_group.domain.name_zh_hans, "task": indicator.task_group.name_zh_hans,
            "property": indicator.property_type, "scope": indicator.scope, "data_source": indicator.data_source,
            "lead_bureau": indicator.lead_bureau.code if indicator.lead_bureau else None,
            "status": judged.status.value, "gap": judged.gap,
            "unconfirmed": [c for c in indicator.unconfirmed.split(",") if c],
            "measures": [{"code": m.code, "name": m.name_zh_hans, "unit": m.unit, "target": m.target,
                          "unconfirmed": [c for c in m.unconfirmed.split(",") if c],
                          "target_text": _in_words(lambda m=m: wording.target(m)),
                          "unit_text": _in_words(lambda m=m: wording.unit(m.unit)),
                          "higher_is_better": m.higher_is_better, "status": evaluation.status.value,
                          "gap": evaluation.gap, "value": _value(result.value(m, city), m, indicator),
                          # For a measure computed by this site: the target the higher authority set (entered).
                          "assigned_target": _value(result.assigned_target(m, city), m, indicator)}
                         for m, evaluation in judged.measures],
        })
    return jsonify(api_version="v1", catalogue=catalogue.code, catalogue_version=_version(catalogue), period=period,
                   coverage=_coverage(snap, period), place=city.code, indicators=items)


@bp.get("/districts/compliance")
def district_compliance():
    """Per district: indicators met, applicable, compliance rate, rank and failing indicator codes."""
    shown = in_force()
    rows = queries.district_ranking(shown.result, shown.districts)
    return jsonify(api_version="v1", catalogue=shown.catalogue.code, period=shown.period,
                   coverage=_coverage(shown.snap, shown.period), districts=[
        {"code": row["place"].code, "name": row["place"].name_zh_hans, "rank": row["rank"], "met": row["met"],
         "applicable": row["applicable"], "pending": row["pending"],
         "rate": round(row["rate"], 4) if row["rate"] is not None else None,
         "failing": [indicator.code for indicator in row["failing"]]} for row in rows])
