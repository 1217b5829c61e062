"""Importing an inspection's feedback list (整改清单) into a round, from XLSX or CSV, as the lists are published:
a title row or two above the header, merged cells, the responsibility written as one string.

Every row is checked first and every bad row listed with its row number in the sheet (as the spreadsheet program
shows it) and a clear message: an unknown district or unit, a deadline that cannot be read, a missing problem, a
source reference already used; nothing is applied unless every row is valid.

How a sheet is read:
- Headers are Chinese as the lists write them (序号, 区县, 整改问题, 整改目标, 整改措施, 责任单位, 整改时限…) or
  the English keys of the template; the header row is the first of the top rows that holds the problem column
  and two other known columns (title rows above it are skipped).
- A merged cell's value (openpyxl keeps it in the range's top-left cell) holds for every row of the range. Rows
  sharing one merged 序号 are one problem in parts: the first row is the task, each further row one of its
  sub-tasks, numbered "<序号>-2", "<序号>-3" after its place in the range. A row that only repeats merged cells
  brings nothing new and is skipped. A 所属序号 column makes a row a sub-task of the row (above it) or of the
  round's task with that 序号.
- The units: a 责任单位 cell such as "市生态环境局,武川县党委、政府" is split at , 、 ; / and line breaks and each
  part matched to a bureau by its name (or code); a part that names no bureau is read after the common part of
  the name before it ("政府" after "武川县党委" is 武川县政府) and is otherwise an unknown unit. The lead is the
  part marked 牵头 or 负责 ("市生态环境局牵头"), else the first; parts marked 配合/协办 co-operate, 督导 supervise,
  and the others co-operate. Separate 牵头单位 / 配合单位 / 督导单位 columns are read too. The cell is kept
  verbatim as the task's responsibility.
- The district by its name (with or without 区/县/市/旗) or code; 全市, 市本级, 市级 or 市直 is the city.
- The deadline as deadlines.py reads it; 相关指标 as indicator codes of the catalogue in force."""
import csv
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import select

from app import audit
from app.errors import ActionRefused
from app.indicators.models import Indicator
from app.indicators.queries import catalogue_for_year
from app.org.models import Bureau, Place, PlaceLevel
from app.rectification import policy, services
from app.rectification.deadlines import Deadline, DeadlineError, parse_deadline
from app.rectification.models import InspectionRound, RectificationTask
from app.web.exports import xlsx_bytes
from app.web.text import clean_text

MAX_ROWS = 5_000             # a round's list (the largest national ledger had 2,164 tasks)
MAX_COLUMNS = 60
HEADER_SEARCH_ROWS = 10      # title rows the header may sit below

# Each column the import reads, with the headers it goes by (compared without spaces, full-width forms or case).
COLUMNS: dict[str, tuple[str, ...]] = {
    "source_ref": ("source_ref", "序号", "编号", "问题编号", "问题序号", "交办编号", "受理编号", "清单编号"),
    "parent_ref": ("parent_ref", "所属序号", "上级序号", "所属问题序号", "所属问题编号"),
    "district": ("district", "区县", "县区", "县市区", "县(市、区)", "县(市区)", "旗县区", "地区", "所在地区",
                 "所在地", "属地", "行政区"),
    "problem_zh_hans": ("problem_zh_hans", "problem", "整改问题", "问题", "反馈问题", "问题描述", "存在问题",
                        "整改任务", "问题及整改任务"),
    "problem_zh_hant": ("problem_zh_hant",),
    "problem_en": ("problem_en",),
    "target_zh_hans": ("target_zh_hans", "target", "整改目标", "目标", "目标任务"),
    "target_zh_hant": ("target_zh_hant",),
    "target_en": ("target_en",),
    "measures_zh_hans": ("measures_zh_hans", "measures", "整改措施", "措施", "重点措施", "主要措施"),
    "measures_zh_hant": ("measures_zh_hant",),
    "measures_en": ("measures_en",),
    "units": ("units", "责任单位", "整改责任单位", "整改实施主体", "实施主体", "责任主体", "责任单位及责任人"),
    "lead": ("lead", "牵头单位", "牵头责任单位"),
    "cooperating": ("cooperating", "配合单位", "协办单位", "协助单位"),
    "supervising": ("supervising", "督导单位", "督办单位"),
    "deadline": ("deadline", "整改时限", "完成时限", "时限", "整改期限", "完成时间", "整改时间"),
    "indicators": ("indicators", "相关指标", "关联指标", "指标"),
}
TEMPLATE_HEADERS = ["序号", "所属序号", "区县", "整改问题", "整改目标", "整改措施", "责任单位", "整改时限", "相关指标"]
CITY_WORDS = ("全市", "市本级", "市级", "市直", "本市")
_SEPARATORS = re.compile(r"[,;/\n、]+")
# A part's role as lists mark it: "市生态环境局牵头", "市水利局(配合)", "市督察办督导".
_ROLE = re.compile(r"^(?P<name>.+?)\(?(?P<role>牵头负责|牵头|负责|主办|配合|协办|协助|督导)\)?$")
_LEAD_MARKS, _SUPERVISING_MARKS = ("牵头负责", "牵头", "负责", "主办"), ("督导",)


def _norm(text: str) -> str:
    return re.sub(r"[\s*:]", "", unicodedata.normalize("NFKC", text)).lower()


_HEADER_KEYS = {_norm(alias): key for key, aliases in COLUMNS.items() for alias in aliases}


class FileUnreadable(ValueError):
    """The upload is neither a readable XLSX workbook nor a CSV text file, or is too large."""


@dataclass
class ImportResult:
    """The rows' errors as (row number, message; 0 for the file), or how many tasks and sub-tasks were made."""

    errors: list[tuple[int, str]] = field(default_factory=list)
    tasks: int = 0
    subtasks: int = 0


# --- reading the file ---------------------------------------------------------------------------------------

@dataclass
class Sheet:
    """The cells of a sheet, row by row (index 0 is the sheet's row 1), with each cell a merged range filled in
    mapped to the top-left cell it came from."""

    rows: list[list[Any]]
    merged_from: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)


def _text_cell(value: Any) -> Any:
    return clean_text(unescape(value)) if isinstance(value, str) else value


def read_sheet(data: bytes) -> Sheet:
    """The first sheet of an XLSX workbook (merged ranges filled in) or the rows of a CSV file (UTF-8, or GB18030
    as Excel saves it in China)."""
    if data.startswith(b"PK\x03\x04") or zipfile.is_zipfile(io.BytesIO(data)):
        return _read_xlsx(data)
    if b"\x00" in data[:4096]:
        raise FileUnreadable("binary")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileUnreadable("encoding")
    try:
        rows = [[clean_text(value) for value in line] for line in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as error:
        raise FileUnreadable(str(error)) from error
    if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise FileUnreadable("too many rows")
    return Sheet(rows)


def _read_xlsx(data: bytes) -> Sheet:
    # Not read-only: only a full load knows the merged ranges. The size is bounded by the upload limit and the
    # row count is checked before the cells are copied.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it skips (data validation…)
            workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, KeyError, zipfile.BadZipFile, OSError, SyntaxError, ValueError, TypeError) as error:
        raise FileUnreadable("not an XLSX file") from error
    try:
        sheet = workbook.worksheets[0]
        if sheet.max_row > MAX_ROWS + HEADER_SEARCH_ROWS or sheet.max_column > MAX_COLUMNS:
            raise FileUnreadable("too large")
        rows = [[_text_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        merged_from: dict[tuple[int, int], tuple[int, int]] = {}
        for cells in sheet.merged_cells.ranges:
            top, left = cells.min_row - 1, cells.min_col - 1
            if top >= len(rows):
                continue
            value = rows[top][left] if left < len(rows[top]) else None
            for r in range(top, min(cells.max_row, len(rows))):
                for c in range(left, cells.max_col):
                    if (r, c) == (top, left):
                        continue
                    while len(rows[r]) <= c:
                        rows[r].append(None)
                    rows[r][c] = value
                    merged_from[(r, c)] = (top, left)
        return Sheet(rows, merged_from)
    finally:
        workbook.close()


def _text(value: Any) -> str:
    """A cell as trimmed text: a whole number read as a float (7.0) is 7, a date is ISO (2024-12-31)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """The header row's index and the column index of each key it holds."""
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for column, value in enumerate(row):
            key = _HEADER_KEYS.get(_norm(_text(value)))
            if key is not None and key not in found:
                found[key] = column
        if "problem_zh_hans" in found and len(found) >= 3:
            return index, found
    return None


# --- what a row names ---------------------------------------------------------------------------------------

class _Names:
    """Bureaus, places and indicators by the names and codes a sheet may use."""

    def __init__(self, session, today: date):
        self.bureaus: dict[str, Bureau] = {}
        for bureau in session.scalars(select(Bureau).where(Bureau.active.is_(True)).order_by(Bureau.id)):
            for name in (bureau.code, bureau.name_zh_hans, bureau.name_zh_hant, bureau.name_en):
                if name:
                    self.bureaus.setdefault(_norm(name), bureau)
        self.places: dict[str, Place] = {}
        stems: dict[str, list[Place]] = {}
        for place in session.scalars(select(Place).where(Place.active.is_(True)).order_by(Place.sort_order)):
            for name in (place.code, place.name_zh_hans, place.name_zh_hant, place.name_en):
                if name:
                    self.places.setdefault(_norm(name), place)
            if place.level == PlaceLevel.CITY:
                for word in CITY_WORDS:
                    self.places.setdefault(_norm(word), place)
            elif len(place.name_zh_hans) > 2 and place.name_zh_hans[-1] in "区县市旗":
                stems.setdefault(_norm(place.name_zh_hans[:-1]), []).append(place)
        for stem, found in stems.items():
            if len(found) == 1:  # "武川" is 武川县 unless two districts share the stem
                self.places.setdefault(stem, found[0])
        catalogue = catalogue_for_year(session, today.year)
        self.indicators: dict[str, int] | None = None if catalogue is None else {
            _norm(code): indicator_id for code, indicator_id in session.execute(
                select(Indicator.code, Indicator.id).where(Indicator.catalogue_id == catalogue.id))}

    def bureau(self, name: str, previous: Bureau | None) -> Bureau | None:
        found = self.bureaus.get(_norm(name))
        if found is None and previous is not None:
            # "武川县党委、政府": the part after the separator leaves out what it shares with the one before.
            before = previous.name_zh_hans
            for cut in range(len(before) - 1, 0, -1):
                found = self.bureaus.get(_norm(before[:cut] + name))
                if found is not None:
                    break
        return found


@dataclass
class _Units:
    lead: Bureau | None = None
    cooperating: list[Bureau] = field(default_factory=list)
    supervising: list[Bureau] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, bureau: Bureau, role: str) -> None:
        if bureau is self.lead or bureau in self.cooperating or bureau in self.supervising:
            return
        if role == "lead":
            if self.lead is not None:
                self.problems.append(_("Only one unit leads: %(first)s and %(second)s are both marked as lead.",
                                       first=self.lead.name_zh_hans, second=bureau.name_zh_hans))
                return
            self.lead = bureau
        elif role == "supervising":
            self.supervising.append(bureau)
        else:
            self.cooperating.append(bureau)


def _split(names: _Names, text: str) -> list[str]:
    """The parts of a units cell: split at the separators, and at spaces where a part names no bureau whole."""
    parts = []
    for part in (part.strip() for part in _SEPARATORS.split(text)):
        if part and names.bureau(part, None) is None and len(part.split()) > 1:
            parts.extend(part.split())
        elif part:
            parts.append(part)
    return parts


def _parts(names: _Names, text: str, header: str, problems: list[str]) -> list[tuple[Bureau, str | None]]:
    """The bureaus a cell names, each with the role it is marked with (None unmarked)."""
    found: list[tuple[Bureau, str | None]] = []
    previous = None
    for part in _split(names, unicodedata.normalize("NFKC", text)):
        role, bureau = None, names.bureau(part, previous)
        if bureau is None and (marked := _ROLE.match(part)):
            mark = marked.group("role")
            role = "lead" if mark in _LEAD_MARKS else "supervising" if mark in _SUPERVISING_MARKS else "cooperating"
            bureau = names.bureau(marked.group("name").strip(), previous)
        if bureau is None:
            problems.append(_("%(column)s: unknown unit “%(name)s”.", column=header, name=part))
            continue
        found.append((bureau, role))
        previous = bureau
    return found


def _read_units(names: _Names, cells: dict[str, str], headers: dict[str, str]) -> _Units:
    units = _Units()
    if cells.get("lead"):
        lead_parts = _parts(names, cells["lead"], headers["lead"], units.problems)
        if len(lead_parts) > 1:
            units.problems.append(_("%(column)s: name one lead unit.", column=headers["lead"]))
        elif lead_parts:
            units.add(lead_parts[0][0], "lead")
    if cells.get("units"):
        parts = _parts(names, cells["units"], headers["units"], units.problems)
        for bureau, role in parts:
            if role == "lead":
                units.add(bureau, role)
        if units.lead is None and parts:
            first = next((bureau for bureau, role in parts if role is None), None)
            if first is not None:
                units.add(first, "lead")
        for bureau, role in parts:
            units.add(bureau, role if role in ("cooperating", "supervising") else "cooperating")
    for key, role in (("cooperating", "cooperating"), ("supervising", "supervising")):
        if cells.get(key):
            for bureau, _role in _parts(names, cells[key], headers[key], units.problems):
                units.add(bureau, role)
    if units.lead is None and not units.problems:
        units.problems.append(_("Name the responsible units: the lead first, or marked %(mark)s.", mark="牵头")
                              if not any(cells.get(k) for k in ("units", "lead"))
                              else _("Name the lead unit: the first unit, or one marked %(mark)s.", mark="牵头"))
    return units


# --- the import ---------------------------------------------------------------------------------------------

@dataclass
class _Row:
    number: int
    data: services.TaskInput
    deadline: Deadline
    parent_row: int | None = None       # a sub-task of this row of the file
    parent_id: int | None = None        # a sub-task of this task of the round


def import_tasks(session, actor, round_: InspectionRound, data: bytes, *, today: date, filename: str = ""
                 ) -> ImportResult:
    """Check every row of the file and, when all are valid, register them all as tasks of the round (one audit
    entry per task and one for the import); otherwise register nothing and return the errors. The caller commits
    or rolls back."""
    policy.require_office(actor)
    result = ImportResult()
    try:
        sheet = read_sheet(data)
    except FileUnreadable:
        result.errors.append((0, _("The file is neither a readable XLSX workbook nor a CSV text file of at most "
                                   "%(n)d rows.", n=MAX_ROWS)))
        return result
    found = _header(sheet)
    if found is None:
        result.errors.append((0, _("No header row found: the first rows must name the columns, such as %(columns)s.",
                                   columns="、".join(TEMPLATE_HEADERS))))
        return result
    header_index, columns = found
    headers = {key: _text(sheet.rows[header_index][column]) for key, column in columns.items()}
    missing = [label for key, label in (("district", "区县"), ("deadline", "整改时限")) if key not in columns]
    if "units" not in columns and "lead" not in columns:
        missing.append("责任单位")
    if missing:
        result.errors.extend((header_index + 1, _("The column %(column)s is missing.", column=column))
                             for column in missing)
        return result
    rows = _check_rows(session, round_, sheet, header_index, columns, headers, today, result)
    if not result.errors and not rows:
        result.errors.append((0, _("The file has no rows.")))
    if result.errors:
        return result
    _apply(session, actor, round_, rows, today, result)
    if result.errors:
        return result
    audit.record(session, "rectification.import", round_, actor=actor,
                 after={"round": round_.code, "file": filename[:200], "tasks": result.tasks,
                        "subtasks": result.subtasks})
    return result


def _check_rows(session, round_: InspectionRound, sheet: Sheet, header_index: int, columns: dict[str, int],
                headers: dict[str, str], today: date, result: ImportResult) -> list[_Row]:
    names = _Names(session, today)
    existing = {ref: (task_id, parent_id) for ref, task_id, parent_id in session.execute(
        select(RectificationTask.source_ref, RectificationTask.id, RectificationTask.parent_id)
        .where(RectificationTask.round_id == round_.id, RectificationTask.source_ref != ""))}
    seen: dict[str, int] = {}          # source reference → row number
    tops: set[int] = set()             # rows whose 序号 is their own (not a merged range's further row)
    parts: dict[int, int] = {}         # such a row → how many parts of its problem were read
    subtask_rows: set[int] = set()
    ready: list[_Row] = []
    ref_column = columns.get("source_ref")
    for index in range(header_index + 1, len(sheet.rows)):
        values = sheet.rows[index]
        number = index + 1
        cells = {key: _text(values[column]) if column < len(values) else "" for key, column in columns.items()}
        own = [c for c, value in enumerate(values) if _text(value) and (index, c) not in sheet.merged_from]
        if not own:
            continue  # empty, or a row that only repeats merged cells
        if len(ready) + len(result.errors) >= MAX_ROWS:
            result.errors.append((number, _("A list has at most %(n)d rows.", n=MAX_ROWS)))
            break
        problems: list[str] = []
        source_ref, parent_row, parent_id = cells.get("source_ref", ""), None, None
        merged = sheet.merged_from.get((index, ref_column)) if ref_column is not None else None
        if merged is not None and merged[0] + 1 in tops:
            top = merged[0] + 1  # a further part of the problem whose 序号 is merged over this row
            parts[top] = parts.get(top, 1) + 1
            parent_row, source_ref = top, f"{source_ref}-{parts[top]}"
        parent_ref = cells.get("parent_ref", "")
        if parent_ref and parent_row is None:
            if parent_ref in seen:
                parent_row = seen[parent_ref]
                if parent_row in subtask_rows:
                    problems.append(_("%(column)s: %(ref)s is a sub-task itself, and sub-tasks have no sub-tasks.",
                                      column=headers["parent_ref"], ref=parent_ref))
            elif parent_ref in existing:
                parent_id, grandparent = existing[parent_ref]
                if grandparent is not None:
                    problems.append(_("%(column)s: %(ref)s is a sub-task itself, and sub-tasks have no sub-tasks.",
                                      column=headers["parent_ref"], ref=parent_ref))
            else:
                problems.append(_("%(column)s: no row above and no task of the round has the reference %(ref)s.",
                                  column=headers["parent_ref"], ref=parent_ref))
        ref_header = headers.get("source_ref", "")
        if source_ref:
            if source_ref in seen:
                problems.append(_("%(column)s: %(ref)s is already in row %(row)d.", column=ref_header, ref=source_ref,
                                  row=seen[source_ref]))
            elif source_ref in existing:
                problems.append(_("%(column)s: %(ref)s is already a task of this round.", column=ref_header,
                                  ref=source_ref))
            seen.setdefault(source_ref, number)
        if not cells.get("problem_zh_hans"):
            problems.append(_("%(column)s: describe the problem.", column=headers["problem_zh_hans"]))
        place = names.places.get(_norm(cells.get("district", "")))
        if place is None:
            problems.append(_("%(column)s: unknown district “%(name)s”.", column=headers["district"],
                              name=cells.get("district", "")) if cells.get("district")
                            else _("%(column)s: name the district (or %(city)s for the city).",
                                   column=headers["district"], city=CITY_WORDS[0]))
        units = _read_units(names, cells, headers)
        problems.extend(units.problems)
        try:
            parse_deadline(cells.get("deadline", ""))
        except DeadlineError as error:
            problems.append(_("%(column)s: %(problem)s", column=headers["deadline"],
                              problem=services.deadline_refusal(error)))
        indicator_ids = _indicators(names, cells.get("indicators", ""), headers.get("indicators", ""), problems)
        data = services.TaskInput(
            problem_zh_hans=cells.get("problem_zh_hans", ""), place_id=place.id if place else None,
            lead_bureau_id=units.lead.id if units.lead else None, deadline_text=cells.get("deadline", ""),
            source_ref=source_ref, responsible_text=_responsibility(cells),
            cooperating_ids=[b.id for b in units.cooperating], supervising_ids=[b.id for b in units.supervising],
            indicator_ids=indicator_ids,
            **{key: cells.get(key, "") for key in ("problem_zh_hant", "problem_en", "target_zh_hans",
                                                   "target_zh_hant", "target_en", "measures_zh_hans",
                                                   "measures_zh_hant", "measures_en")})
        deadline = None
        if not problems:
            try:  # what the service checks besides (lengths…), as it would refuse the row
                deadline = services.check_task(session, round_, data)
            except ActionRefused as error:
                problems.append(str(error))
        if merged is None and source_ref:
            tops.add(number)
        if parent_row is not None or parent_id is not None:
            subtask_rows.add(number)
        if problems or deadline is None:
            result.errors.extend((number, problem) for problem in problems)
        else:
            ready.append(_Row(number, data, deadline, parent_row, parent_id))
    return ready


def _responsibility(cells: dict[str, str]) -> str:
    """The responsibility as the list wrote it: the units cell, else the lead and other units' cells."""
    if cells.get("units"):
        return cells["units"]
    return ";".join(cells[key] for key in ("lead", "cooperating", "supervising") if cells.get(key))


def _indicators(names: _Names, text: str, header: str, problems: list[str]) -> list[int]:
    codes = [code.strip() for code in _SEPARATORS.split(unicodedata.normalize("NFKC", text)) if code.strip()]
    if not codes:
        return []
    if names.indicators is None:
        problems.append(_("%(column)s: no indicator catalogue is in force this year.", column=header))
        return []
    found = []
    for code in codes:
        indicator_id = names.indicators.get(_norm(code))
        if indicator_id is None:
            problems.append(_("%(column)s: unknown indicator code %(code)s.", column=header, code=code))
        else:
            found.append(indicator_id)
    return found


def _apply(session, actor, round_: InspectionRound, rows: list[_Row], today: date, result: ImportResult) -> None:
    index = {row.number: position for position, row in enumerate(rows)}
    entries = []
    for row in rows:
        row.data.parent_id = row.parent_id
        entries.append(services.Checked(row.data, row.deadline,
                                        index[row.parent_row] if row.parent_row is not None else None))
    made = services.create_tasks(session, actor, round_, entries, today=today)
    result.subtasks = sum(1 for task in made if task.parent_id is not None)
    result.tasks = len(made) - result.subtasks


def template() -> bytes:
    """An empty list with the columns the import reads."""
    return xlsx_bytes("整改清单", TEMPLATE_HEADERS, [])
