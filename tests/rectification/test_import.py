"""Importing a feedback list: XLSX with a title row, merged cells and the responsibility as one string, CSV in
UTF-8 and GB18030; every bad row listed with its row number and what is wrong, and nothing applied unless every
row is valid."""
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.indicators.models import Indicator
from app.org.models import PlaceLevel
from app.rectification import imports
from app.rectification.models import RectificationTask, TaskEvent, TaskIndicator, UnitRole
from app.rectification.policy import LedgerNotPermitted
from tests import factories
from tests.rectification.conftest import make_round, make_task

TODAY = __import__("datetime").date(2026, 3, 10)
HEADER = ["序号", "区县", "整改问题", "整改目标", "整改措施", "责任单位", "整改时限"]


@pytest.fixture
def city(session, ledger):
    """The ledger's staff and round, a city with two districts, and the units of a real list's responsibility."""
    names = {
        "city": factories.place(session, level=PlaceLevel.CITY, code="city", name_zh_hans="呼和浩特市",
                                name_en="Hohhot"),
        "wuchuan": factories.place(session, code="wuchuan", name_zh_hans="武川县", name_en="Wuchuan County"),
        "xincheng": factories.place(session, code="xincheng", name_zh_hans="新城区", name_en="Xincheng District"),
        "party": factories.bureau(session, code="wc-party", name_zh_hans="武川县党委"),
        "government": factories.bureau(session, code="wc-gov", name_zh_hans="武川县政府"),
        "inspection": factories.bureau(session, code="inspect", name_zh_hans="市生态环境保护督察办公室"),
    }
    return {**ledger, **names}


def xlsx(rows, *, merges=(), title=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def csv_bytes(rows, encoding="utf-8") -> bytes:
    import csv

    stream = io.StringIO()
    csv.writer(stream).writerows(rows)
    return stream.getvalue().encode(encoding)


def run(session, city, data, *, round_=None, user="admin"):
    return imports.import_tasks(session, city["staff"][user], round_ or city["round"], data, today=TODAY,
                                filename="清单.xlsx")


def tasks(session) -> list[RectificationTask]:
    return list(session.scalars(select(RectificationTask).order_by(RectificationTask.id)))


def units(task) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for unit in task.units:
        found.setdefault(unit.role.value, set()).add(unit.bureau.name_zh_hans)
    return found


def test_a_list_with_a_title_row_and_the_responsibility_as_one_string_is_imported(session, city):
    data = xlsx([
        HEADER,
        [1, "武川县", "饮用水水源地保护区内违规建设", "清理违建", "拆除违建设施", "市生态环境局,武川县党委、政府",
         "2024年12月底前"],
        [2, "全市", "城市黑臭水体反弹", "", "截污纳管",
         "市水利和湖泊局牵头、市生态环境局配合、市生态环境保护督察办公室(督导)", "2024年6月底前完成，长期坚持"],
        [3, "新城", "工业园区污水直排", "", "", "市生态环境局", "立行立改"],
    ], title="第二轮中央生态环境保护督察反馈问题整改清单")
    result = run(session, city, data)
    assert result.errors == [] and (result.tasks, result.subtasks) == (3, 0)
    first, second, third = tasks(session)
    code = city["round"].code
    assert [t.code for t in (first, second, third)] == [f"{code}-001", f"{code}-002", f"{code}-003"]
    assert (first.source_ref, first.place_id, first.problem_zh_hans) == ("1", city["wuchuan"].id,
                                                                         "饮用水水源地保护区内违规建设")
    assert units(first) == {"lead": {"市生态环境局"}, "cooperating": {"武川县党委", "武川县政府"}}
    assert first.responsible_text == "市生态环境局,武川县党委、政府"
    assert (first.due_on.isoformat(), first.due_precision, first.deadline_text) == ("2024-12-31", "month",
                                                                                    "2024年12月底前")
    assert second.place_id == city["city"].id and second.long_term and second.due_on.isoformat() == "2024-06-30"
    assert units(second) == {"lead": {"市水利和湖泊局"}, "cooperating": {"市生态环境局"},
                             "supervising": {"市生态环境保护督察办公室"}}
    assert third.place_id == city["xincheng"].id and third.immediate and third.due_on is None
    assert session.scalar(select(func.count(TaskEvent.id)).where(TaskEvent.step == "registered")) == 3
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "rectification.import"))
    assert entry.after == {"round": code, "file": "清单.xlsx", "tasks": 3, "subtasks": 0}
    assert session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "rectification.task_create")) == 3


def test_merged_cells_hold_for_every_row_and_a_merged_number_makes_sub_tasks(session, city):
    data = xlsx([
        HEADER,
        [7, "武川县", "矿山生态修复滞后", "完成修复", "复绿", "武川县政府", "2025年9月底前"],
        [None, None, None, None, "边坡治理", "市生态环境局", "2025年12月底"],
        [None, None, None, None, "验收销号", "市水利和湖泊局", "2026年3月前"],
        [8, None, "尾矿库渗漏", "", "", "武川县政府", "2024年底"],
        [9, "新城区", "扬尘污染", "", "", "市生态环境局", "长期坚持"],
        [None, None, None, None, None, None, None],
    ], merges=["A2:A4", "C2:C4", "D2:D4", "B2:B5", *(f"{c}6:{c}7" for c in "ABCDEFG")])
    result = run(session, city, data)
    assert result.errors == [] and (result.tasks, result.subtasks) == (3, 2)
    parent, part2, part3, tailings, dust = tasks(session)
    code = city["round"].code
    assert [t.code for t in tasks(session)] == [f"{code}-001", f"{code}-001.1", f"{code}-001.2", f"{code}-002",
                                                 f"{code}-003"]
    assert part2.parent_id == parent.id and part3.parent_id == parent.id
    assert (part2.source_ref, part3.source_ref) == ("7-2", "7-3")
    assert part2.problem_zh_hans == "矿山生态修复滞后" and part2.measures_zh_hans == "边坡治理"
    assert part2.target_zh_hans == "完成修复" and part2.place_id == city["wuchuan"].id
    assert units(part3) == {"lead": {"市水利和湖泊局"}} and part3.due_on.isoformat() == "2026-02-28"
    assert tailings.place_id == city["wuchuan"].id and tailings.parent_id is None  # district merged down
    assert dust.long_term and dust.parent_id is None  # the row below, all merged into it, brought nothing


def test_a_parent_column_makes_sub_tasks_of_rows_above_or_of_the_rounds_tasks(session, city):
    existing = make_task(session, city["round"], city["district"], city["lead"], source_ref="第3项")
    header = ["序号", "所属序号", "区县", "整改问题", "责任单位", "整改时限"]
    data = xlsx([
        header,
        ["第4项", "", "武川县", "秸秆焚烧", "武川县政府", "2024年底"],
        ["第4项(1)", "第4项", "武川县", "禁烧巡查", "武川县政府", "2024年6月底"],
        ["第3项(1)", "第3项", "武川县", "补充整改", "市生态环境局", "2024年9月底"],
    ])
    result = run(session, city, data)
    assert result.errors == [] and (result.tasks, result.subtasks) == (1, 2)
    new_parent, child, other_child = tasks(session)[1:]
    assert child.parent_id == new_parent.id and child.code == f"{new_parent.code}.1"
    assert other_child.parent_id == existing.id and other_child.code == f"{existing.code}.1"


def test_units_in_separate_lead_and_co_operating_columns(session, city):
    data = xlsx([
        ["序号", "区县", "整改问题", "牵头单位", "配合单位", "督导单位", "完成时限"],
        [1, "武川县", "草原超载过牧", "武川县政府", "市生态环境局；市水利和湖泊局", "市生态环境保护督察办公室",
         "2023年9月30日前"],
    ])
    assert run(session, city, data).errors == []
    [task] = tasks(session)
    assert units(task) == {"lead": {"武川县政府"}, "cooperating": {"市生态环境局", "市水利和湖泊局"},
                           "supervising": {"市生态环境保护督察办公室"}}
    assert task.responsible_text == "武川县政府;市生态环境局；市水利和湖泊局;市生态环境保护督察办公室"
    assert task.due_precision == "day"


def test_indicator_codes_are_linked_from_the_catalogue_in_force(session, city):
    factories.catalogue(session, first_year=2019)
    data = xlsx([HEADER + ["相关指标"],
                 [1, "武川县", "水质不达标", "", "", "市生态环境局", "2026年底", "2、3"]])
    assert run(session, city, data).errors == []
    [task] = tasks(session)
    codes = set(session.scalars(select(Indicator.code).join(TaskIndicator, TaskIndicator.indicator_id == Indicator.id)
                                .where(TaskIndicator.task_id == task.id)))
    assert codes == {"2", "3"}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_csv_list_is_imported(session, city, encoding):
    data = csv_bytes([HEADER, ["1", "武川县", "垃圾填埋场渗滤液", "", "", "武川县政府", "2024-12-31"]], encoding)
    result = run(session, city, data)
    assert result.errors == [] and result.tasks == 1
    assert tasks(session)[0].due_on.isoformat() == "2024-12-31"


def test_every_bad_row_is_listed_and_nothing_is_applied(session, city):
    make_task(session, city["round"], city["district"], city["lead"], source_ref="5")
    before = len(tasks(session))
    data = xlsx([
        HEADER,
        [1, "武川县", "问题一", "", "", "市生态环境局", "2024年12月底前"],            # good
        [2, "火星区", "问题二", "", "", "市生态环境局", "2024年12月底前"],            # unknown district
        [3, "武川县", "问题三", "", "", "市生态环境局,市外星局", "2024年12月底前"],   # unknown unit
        [4, "武川县", "问题四", "", "", "市生态环境局", "尽快"],                      # unreadable deadline
        [5, "武川县", "问题五", "", "", "市生态环境局", "2024年底"],                  # already in the round
        [1, "武川县", "问题六", "", "", "市生态环境局", "2024年底"],                  # duplicate in the file
        [7, "武川县", None, "", "", "市生态环境局", "2024年底"],                      # no problem
        [8, "武川县", "问题八", "", "", "", "2024年底"],                              # no units
        [9, "武川县", "问题九", "", "", "市生态环境局牵头、武川县政府牵头", "2024年底"],  # two leads
        [10, "", "问题十", "", "", "市生态环境局", "6月底前"],                         # no district, no year
        [11, "武川县", "问题十一", "", "", "市生态环境局", "2024年2月30日"],           # no such day
    ], title="整改清单")
    result = run(session, city, data)
    assert result.tasks == 0
    rows = {}
    for number, message in result.errors:
        rows.setdefault(number, []).append(message)
    assert sorted(rows) == list(range(4, 14))  # the title is row 1, the header row 2, the good row 3
    assert rows[4] == ["区县: unknown district “火星区”."]
    assert rows[5] == ["责任单位: unknown unit “市外星局”."]
    assert rows[6] == ["整改时限: The deadline “尽快” cannot be read. Write a date, or long-term or immediate as the "
                       "lists do, such as: 2024年12月底前, 2023年9月30日前, 2024-12-31, 长期坚持, 立行立改."]
    assert rows[7] == ["序号: 5 is already a task of this round."]
    assert rows[8] == ["序号: 1 is already in row 3."]
    assert rows[9] == ["整改问题: describe the problem."]
    assert rows[10] == ["Name the responsible units: the lead first, or marked 牵头."]
    assert rows[11] == ["Only one unit leads: 市生态环境局 and 武川县政府 are both marked as lead."]
    assert rows[12] == ["区县: name the district (or 全市 for the city).",
                        "整改时限: The deadline “6月底前” gives no year: write the year with each month or day."]
    assert rows[13] == ["整改时限: The deadline “2024年2月30日” names a day that does not exist."]
    assert len(tasks(session)) == before
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action.like("rectification.%"))) == 0


def test_bad_parent_references_are_listed(session, city):
    make_task(session, city["round"], city["district"], city["lead"], source_ref="9",
              parent_id=make_task(session, city["round"], city["district"], city["lead"], source_ref="8").id)
    header = ["序号", "所属序号", "区县", "整改问题", "责任单位", "整改时限"]
    result = run(session, city, xlsx([
        header,
        ["1", "", "武川县", "问题", "武川县政府", "2024年底"],
        ["1-1", "1", "武川县", "问题", "武川县政府", "2024年底"],
        ["1-1-1", "1-1", "武川县", "问题", "武川县政府", "2024年底"],
        ["2-1", "2", "武川县", "问题", "武川县政府", "2024年底"],
        ["9-1", "9", "武川县", "问题", "武川县政府", "2024年底"],
    ]))
    assert result.errors == [
        (4, "所属序号: 1-1 is a sub-task itself, and sub-tasks have no sub-tasks."),
        (5, "所属序号: no row above and no task of the round has the reference 2."),
        (6, "所属序号: 9 is a sub-task itself, and sub-tasks have no sub-tasks."),
    ]


def test_what_the_service_refuses_besides_is_listed_on_its_row(session, city):
    result = run(session, city, xlsx([HEADER, [1, "武川县", "问题", "", "", "市生态环境局", "2024年底"],
                                      ["x" * 101, "武川县", "问题", "", "", "市生态环境局", "2024年底"]]))
    assert result.errors == [(3, "The source reference is at most 100 characters.")] and tasks(session) == []


@pytest.mark.parametrize(("data", "message"), [
    (b"\x00\x01not a sheet", "neither a readable XLSX workbook nor a CSV"),
    (b"PK\x03\x04broken zip", "neither a readable XLSX workbook nor a CSV"),
    (b"", "No header row found"),
    ("整改清单\n没有表头\n".encode(), "No header row found"),
])
def test_a_file_that_is_not_a_list_is_refused(session, city, data, message):
    [(row, text)] = run(session, city, data).errors
    assert row == 0 and message in text


def test_missing_columns_are_named_on_the_header_row(session, city):
    result = run(session, city, xlsx([["标题"], ["序号", "整改问题", "整改措施"], [1, "问题", "措施"]]))
    assert result.errors == [(2, "The column 区县 is missing."), (2, "The column 整改时限 is missing."),
                             (2, "The column 责任单位 is missing.")]


def test_a_list_with_a_header_and_no_rows_is_refused(session, city):
    assert run(session, city, imports.template()).errors == [(0, "The file has no rows.")]


def test_the_template_has_the_columns_the_import_reads(session):
    sheet = load_workbook(io.BytesIO(imports.template())).active
    assert [c.value for c in sheet[1]] == imports.TEMPLATE_HEADERS


def test_only_the_office_imports(session, city):
    data = xlsx([HEADER, [1, "武川县", "问题", "", "", "市生态环境局", "2024年底"]])
    with pytest.raises(LedgerNotPermitted):
        run(session, city, data, user="bureau_editor")
    assert tasks(session) == []


def test_numbers_continue_after_the_rounds_tasks(session, city):
    round_ = make_round(session, code="R-X")
    make_task(session, round_, city["district"], city["lead"], code="R-X-004")
    assert run(session, city, xlsx([HEADER, [1, "武川县", "问题", "", "", "市生态环境局", "2024年底"]]),
               round_=round_).errors == []
    assert tasks(session)[-1].code == "R-X-005"
    assert {u.role for u in tasks(session)[-1].units} == {UnitRole.LEAD}
