"""Load an indicator catalogue version from rows (an XLSX sheet or the demo CSV), validated row by row.

Nothing is written unless every row is valid; each bad row is reported with its number and the reason.
Headers may be English (as in app/demo/data/catalogue-2019.csv) or the official table's Chinese ones.
The optional columns definition_zh_hans (or 指标解释), definition_zh_hant and definition_en hold each
indicator's explanation; rows without them are valid and leave the definition empty.

Where a cell is not confirmed against the official text (a reconstructed table, a version found only in part),
the optional column `unconfirmed` (or 未经核实) names it: `all`, or any of name, unit, target, property, scope
separated by `;`, where `unit.2` / `target.2` flag one sub-indicator's cell only. The pages mark those cells
"unconfirmed"; source_note_zh_hans / _zh_hant / _en (or 核实说明) say what is known of the row.
A unit cell lists one unit per sub-indicator (`%; -; %`) or a single unit for all of them.

The optional `provider` column names the module that computes the values: one key (`environment.drinking_sources`)
computes the whole indicator; a list with one key per sub-indicator, empty for those entered by hand
(`environment.sections_good_increase; environment.sections_worse_v_decrease; `), computes those sub-indicators
one by one while the indicator stays entered. A sub-indicator computed that way whose target is "完成上级规定的…
任务" gets a companion measure (`7.1-target`) for the target the higher authority set, which the lead bureau
enters per place and year; the computed value is judged against it.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.indicators.models import (UNCONFIRMABLE_CELLS, DataSource, Indicator, IndicatorCatalogue, IndicatorDomain,
                                   IndicatorMeasure, IndicatorTaskGroup)
from app.indicators.rules import TargetSyntaxError, has_assigned_task, parse_targets, sub_indicator_names
from app.indicators.sheets import bureau_lookup

HEADER_ALIASES = {
    "领域": "domain", "任务": "task", "序号": "code", "指标名称": "name_zh_hans", "单位": "unit",
    "指标值": "target", "指标要求": "target", "指标属性": "property", "适用范围": "scope", "牵头单位": "lead_bureau",
    "指标解释": "definition_zh_hans", "未经核实": "unconfirmed", "核实说明": "source_note_zh_hans",
}
PROPERTY_VALUES = {"binding": "binding", "约束性": "binding", "reference": "reference", "参考性": "reference",
                   "": None, "-": None}
SCOPE_VALUES = {"city": "city", "市": "city", "county": "county", "县": "county", "both": "both", "市县": "both"}
REQUIRED = ("domain", "task", "code", "name_zh_hans", "target", "scope")


@dataclass
class CatalogueImport:
    catalogue: IndicatorCatalogue | None = None
    errors: list[tuple[int, str]] = field(default_factory=list)


def normalise_headers(row: dict) -> dict:
    return {HEADER_ALIASES.get(str(k).strip(), str(k).strip()): ("" if v is None else str(v).strip())
            for k, v in row.items() if k is not None}



def parse_unconfirmed(text: str, measures: int) -> tuple[set[str], dict[int, set[str]]]:
    """The flagged cells of a row: (row cells, {measure number: its cells}); ValueError names a bad token."""
    row_cells: set[str] = set()
    by_measure: dict[int, set[str]] = {n: set() for n in range(1, measures + 1)}
    for token in (t.strip() for t in text.replace(",", ";").split(";")):
        if not token:
            continue
        if token == "all":
            row_cells.update(("name", "property", "scope"))
            for cells in by_measure.values():
                cells.update(("unit", "target"))
            continue
        cell, _dot, number = token.partition(".")
        if cell not in UNCONFIRMABLE_CELLS or (number and cell not in ("unit", "target")):
            raise ValueError(token)
        if number:
            if not number.isdigit() or int(number) not in by_measure:
                raise ValueError(token)
            by_measure[int(number)].add(cell)
        elif cell in ("unit", "target"):
            for cells in by_measure.values():
                cells.add(cell)
        else:
            row_cells.add(cell)
    return row_cells, by_measure


def _cells(cells: set[str]) -> str:
    return ",".join(c for c in UNCONFIRMABLE_CELLS if c in cells)


def _split(text: str, count: int) -> list[str]:
    parts = [p.strip() for p in text.split(";")] if text else []
    return parts if len(parts) == count else [text] * count


def _sub_names(name: str, count: int, whole: str) -> list[str]:
    """Sub-indicator names of a translated name, or the whole name when it lists none."""
    names = sub_indicator_names(name) if count > 1 else []
    return names if len(names) == count else [whole] * count


def import_catalogue(session, actor, *, code: str, name_zh_hans: str, first_year: int, last_year: int | None,
                     rows: list[dict], name_zh_hant: str = "", name_en: str = "",
                     document: str = "", notes: dict[str, str] | None = None) -> CatalogueImport:
    """Validate every row, then create the catalogue with its domains, task groups, indicators and measures."""
    result = CatalogueImport()
    if session.scalar(select(IndicatorCatalogue).where(IndicatorCatalogue.code == code)):
        result.errors.append((0, _("A catalogue with the code %(code)s already exists.", code=code)))
        return result
    bureaus = bureau_lookup(session)
    parsed, seen_codes = [], set()
    for number, raw in enumerate(rows, start=2):  # row 1 is the header
        row = normalise_headers(raw)
        if not any(row.values()):
            continue
        problems = [_("%(column)s is empty.", column=column) for column in REQUIRED if not row.get(column)]
        if row.get("code") in seen_codes:
            problems.append(_("Indicator number %(code)s appears twice.", code=row["code"]))
        seen_codes.add(row.get("code"))
        if row.get("property", "") not in PROPERTY_VALUES:
            problems.append(_("Unknown property %(value)s: use 约束性 or 参考性.", value=row["property"]))
        if row.get("scope") and row["scope"] not in SCOPE_VALUES:
            problems.append(_("Unknown scope %(value)s: use 市, 县 or 市县.", value=row["scope"]))
        if row.get("lead_bureau") and row["lead_bureau"] not in bureaus:
            problems.append(_("Unknown lead bureau %(value)s.", value=row["lead_bureau"]))
        subs = sub_indicator_names(row.get("name_zh_hans", ""))
        try:
            targets = parse_targets(row.get("target", ""), max(len(subs), 1)) if row.get("target") else []
        except TargetSyntaxError as error:
            problems.append(_("The target %(target)s cannot be read (%(reason)s).", target=row["target"],
                              reason=str(error)))
            targets = []
        units = [u.strip() for u in row.get("unit", "").split(";")]
        if len(units) > 1 and targets and len(units) != len(targets):
            problems.append(_("The unit cell lists %(units)d units for %(measures)d sub-indicators: give one unit "
                              "for each, in order, or a single unit for all.", units=len(units), measures=len(targets)))
        providers = [p.strip() for p in row.get("provider", "").split(";")]
        if len(providers) > 1 and targets and len(providers) != len(targets):
            problems.append(_("The provider cell lists %(keys)d keys for %(measures)d sub-indicators: give one for "
                              "each, in order (empty for those entered by hand), or a single key for the whole "
                              "indicator.", keys=len(providers), measures=len(targets)))
        try:
            parse_unconfirmed(row.get("unconfirmed", ""), max(len(targets), 1))
        except ValueError as error:
            problems.append(_("Unknown unconfirmed cell %(value)s: use all, or name, unit, target, property, scope "
                              "(unit.2 or target.2 for one sub-indicator).", value=str(error)))
        if problems:
            result.errors.extend((number, problem) for problem in problems)
        else:
            parsed.append((row, subs, targets))
    if not rows:
        result.errors.append((0, _("The file has no rows.")))
    if result.errors:
        return result
    result.catalogue = _create(session, code, name_zh_hans, name_zh_hant, name_en, document, first_year,
                               last_year, parsed, bureaus)
    for locale, text in (notes or {}).items():
        setattr(result.catalogue, f"note_{locale}", text)
    audit.record(session, "indicators.catalogue_import", result.catalogue, actor=actor,
                 after={"code": code, "indicators": len(parsed), "first_year": first_year, "last_year": last_year})
    return result


def _create(session, code, name_zh_hans, name_zh_hant, name_en, document, first_year, last_year, parsed,
            bureaus) -> IndicatorCatalogue:
    catalogue = IndicatorCatalogue(code=code, name_zh_hans=name_zh_hans, name_zh_hant=name_zh_hant,
                                   name_en=name_en, document=document, first_year=first_year, last_year=last_year)
    session.add(catalogue)
    domains, groups = {}, {}
    for order, (row, subs, targets) in enumerate(parsed, start=1):
        if row["domain"] not in domains:
            domains[row["domain"]] = IndicatorDomain(catalogue=catalogue, code=f"d{len(domains) + 1}",
                                                     name_zh_hans=row["domain"],
                                                     name_zh_hant=row.get("domain_zh_hant", ""),
                                                     name_en=row.get("domain_en", ""), sort_order=len(domains))
        key = (row["domain"], row["task"])
        if key not in groups:
            groups[key] = IndicatorTaskGroup(domain=domains[row["domain"]], name_zh_hans=row["task"],
                                             name_zh_hant=row.get("task_zh_hant", ""), name_en=row.get("task_en", ""),
                                             sort_order=len(groups))
        keys = [key.strip() for key in row.get("provider", "").split(";")]
        # One key computes the whole indicator; a list of keys (one per sub-indicator) computes some of them.
        provider, measure_providers = (keys[0] or None, [""] * len(targets)) if len(keys) == 1 else (None, keys)
        name = row["name_zh_hans"].split("(")[0] if subs else row["name_zh_hans"]
        indicator = Indicator(
            catalogue=catalogue, task_group=groups[key], code=row["code"], name_zh_hans=name,
            name_zh_hant=(row.get("name_zh_hant") or "").split("(")[0] if subs else row.get("name_zh_hant", ""),
            name_en=(row.get("name_en") or "").split("(")[0].strip() if subs else row.get("name_en", ""),
            property_type=PROPERTY_VALUES[row.get("property", "")], scope=SCOPE_VALUES[row["scope"]],
            lead_bureau=bureaus.get(row.get("lead_bureau", "")),
            data_source=DataSource.COMPUTED if provider else DataSource.ENTERED, provider=provider,
            only_where_relevant=row.get("only_where_relevant") in ("1", "true", "是"), sort_order=order,
            definition_zh_hans=row.get("definition_zh_hans", ""), definition_zh_hant=row.get("definition_zh_hant", ""),
            definition_en=row.get("definition_en", ""),
            source_note_zh_hans=row.get("source_note_zh_hans", ""),
            source_note_zh_hant=row.get("source_note_zh_hant", ""),
            source_note_en=row.get("source_note_en", ""))
        row_cells, measure_cells = parse_unconfirmed(row.get("unconfirmed", ""), len(targets))
        indicator.unconfirmed = _cells(row_cells)
        session.add(indicator)
        units = _split(row.get("unit", ""), len(targets))
        names = subs or [name]
        hant = _sub_names(row.get("name_zh_hant", ""), len(names), indicator.name_zh_hant)
        english = _sub_names(row.get("name_en", ""), len(names), indicator.name_en)
        for index, (rule, unit) in enumerate(zip(targets, units), start=1):
            measure = IndicatorMeasure(
                indicator=indicator, code=f"{row['code']}.{index}" if subs else row["code"],
                name_zh_hans=names[index - 1], name_zh_hant=hant[index - 1], name_en=english[index - 1],
                unit="" if unit == "-" else unit, target=rule.describe(),
                higher_is_better=row.get("higher_is_better", "1") not in ("0", "false", "否"),
                unconfirmed=_cells(measure_cells[index]), sort_order=index,
                provider=measure_providers[index - 1] or None)
            session.add(measure)
            if measure.provider and has_assigned_task(rule):
                session.add(assigned_target_measure(measure))
    session.flush()
    return catalogue


def assigned_target_measure(measure: IndicatorMeasure) -> IndicatorMeasure:
    """The companion of a computed measure whose target is a task set by the higher authority: its values are
    that authority's target for the measure, per place and year, in the measure's unit."""
    return IndicatorMeasure(
        indicator=measure.indicator, target_of=measure, code=f"{measure.code}-target",
        name_zh_hans=f"{measure.name_zh_hans}（上级下达的考核目标）",
        name_zh_hant=f"{measure.name_zh_hant}（上級下達的考核目標）" if measure.name_zh_hant else "",
        name_en=f"{measure.name_en} (target set by the higher authority)" if measure.name_en else "",
        unit=measure.unit, target="", higher_is_better=measure.higher_is_better, sort_order=measure.sort_order)
