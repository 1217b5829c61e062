"""Re-assign the lead bureaus (牵头单位) of an existing catalogue version from the task-breakdown table (任务分解表).

Every row is checked first; nothing changes unless the whole file is valid. Headers may be English
(code, name, lead_bureau) or the official table's Chinese ones, whose other columns are ignored.
"""
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.indicators.models import Indicator
from app.indicators.rules import sub_indicator_names
from app.indicators.sheets import bureau_lookup, cell

# The downloadable table: the official columns this import reads, and the bureau's name to read it by.
TEMPLATE_HEADERS = ["序号", "指标名称", "牵头单位", "牵头单位名称（仅供参考）"]
HEADER_ALIASES = {"序号": "code", "指标名称": "name", "牵头单位": "lead_bureau"}
_FULL_WIDTH = str.maketrans("（）；", "();")


@dataclass
class AssignmentsImport:
    changed: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _name_key(text: str) -> str:
    """A name as compared: without spaces (tables copied from PDFs break names anywhere) and without the
    trailing list of sub-indicators, which the catalogue import does not keep in the indicator's name."""
    text = re.sub(r"\s+", "", text.translate(_FULL_WIDTH))
    return text.split("(")[0] if sub_indicator_names(text) else text


def import_assignments(session, actor, catalogue, rows: list[dict]) -> AssignmentsImport:
    """Check every row, then set each listed indicator's lead bureau and audit those that changed."""
    result = AssignmentsImport()
    indicators = {i.code: i for i in session.scalars(select(Indicator).where(Indicator.catalogue_id == catalogue.id))}
    bureaus = bureau_lookup(session)
    columns = {HEADER_ALIASES.get(str(k).strip(), str(k).strip()) for raw in rows for k in raw if k is not None}
    if rows and not {"code", "lead_bureau"} <= columns:
        result.errors.append((1, _("The first row must name the columns 序号 and 牵头单位 (or code and lead_bureau).")))
        return result
    ready, seen = [], set()
    for number, raw in enumerate(rows, start=2):  # row 1 is the header
        if not any(cell(raw, k) for k in raw if k is not None):
            continue
        row = {HEADER_ALIASES.get(str(k).strip(), str(k).strip()): v for k, v in raw.items() if k is not None}
        code, name, bureau_text = cell(row, "code"), cell(row, "name"), cell(row, "lead_bureau")
        indicator, bureau = indicators.get(code), bureaus.get(bureau_text)
        problems = []
        if indicator is None:
            problems.append(_("Unknown indicator code %(code)s.", code=code or "∅"))
        elif code in seen:
            problems.append(_("Indicator number %(code)s appears twice.", code=code))
        elif name and _name_key(name) != _name_key(indicator.name_zh_hans):
            problems.append(_("The row says %(given)s but indicator %(code)s is %(name)s.", given=name, code=code,
                              name=indicator.name_zh_hans))
        seen.add(code)
        if not bureau_text:
            problems.append(_("The lead bureau is empty."))
        elif bureau is None:
            problems.append(_("Unknown lead bureau %(value)s.", value=bureau_text))
        elif not bureau.active:
            problems.append(_("The bureau %(value)s is no longer active.", value=bureau_text))
        if problems:
            result.errors.extend((number, problem) for problem in problems)
        else:
            ready.append((indicator, bureau))
    if not ready and not result.errors:
        result.errors.append((0, _("The file has no rows.")))
    if result.errors:
        return result
    for indicator, bureau in ready:
        if indicator.lead_bureau_id == bureau.id:
            continue
        old = indicator.lead_bureau
        audit.record(session, "indicators.lead_bureau_assigned", indicator, actor=actor,
                     before={"lead_bureau_id": indicator.lead_bureau_id, "lead_bureau": old.code if old else None},
                     after={"lead_bureau_id": bureau.id, "lead_bureau": bureau.code})
        indicator.lead_bureau = bureau
        result.changed += 1
    session.flush()
    return result
