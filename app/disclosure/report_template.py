"""The official template of the yearly disclosure work report (国办公开办函〔2021〕30号): the applicant columns and
the outcome rows of table 三, the cells of table 四, and which outcome row each way of ending a request counts
in. Pure code."""
from typing import Any, cast

from flask_babel import lazy_gettext as _l

from app.disclosure.workflow import ReplyType, RequestState
from app.enums import TitledEnum


class OrganisationKind(TitledEnum):
    """The five kinds of 法人或其他组织 the template counts applicants by."""

    COMMERCIAL = "commercial", _l("Commercial enterprise")                # 商业企业
    RESEARCH = "research", _l("Research institution")                     # 科研机构
    PUBLIC_INTEREST = "public_interest", _l("Public-interest organisation")  # 社会公益组织
    LEGAL_SERVICE = "legal_service", _l("Legal service provider")         # 法律服务机构
    OTHER = "other", _l("Other organisation")                             # 其他

# Table 三's seven number columns, in the template's order: 自然人, the five kinds, 总计.
CITIZEN_COLUMN = "citizen"
TOTAL_COLUMN = "total"
COLUMNS = [CITIZEN_COLUMN, *(kind.value for kind in OrganisationKind), TOTAL_COLUMN]


class OutcomeGroup(TitledEnum):
    """The groups of result rows; in zh_Hans their titles are the template's labels, character for character."""

    DISCLOSED = "disclosed", _l("(1) Disclosed")
    PARTLY_DISCLOSED = "partly_disclosed", _l("(2) Partly disclosed (a request handled in parts counts here only)")
    WITHHELD = "withheld", _l("(3) Not disclosed")
    UNAVAILABLE = "unavailable", _l("(4) Cannot be provided")
    NOT_HANDLED = "not_handled", _l("(5) Not handled")
    OTHER = "other", _l("(6) Handled otherwise")


class Outcome(TitledEnum):
    """The fixed rows of 三、本年度办理结果, one per way a request ended in the year."""

    DISCLOSED = "disclosed", OutcomeGroup.DISCLOSED.title                       # （一）予以公开
    PARTLY_DISCLOSED = "partly_disclosed", OutcomeGroup.PARTLY_DISCLOSED.title  # （二）部分公开
    WITHHELD_STATE_SECRET = "withheld_state_secret", _l("1. A state secret")  # （三）1 属于国家秘密
    # （三）2 其他法律行政法规禁止公开
    WITHHELD_BY_LAW = "withheld_by_law", _l("2. Disclosure forbidden by other laws or administrative regulations")
    # （三）3 危及“三安全一稳定”
    WITHHELD_SECURITY = "withheld_security", _l("3. Endangers the “three securities and one stability”")
    # （三）4 保护第三方合法权益
    WITHHELD_THIRD_PARTY = "withheld_third_party", _l("4. Protects a third party's lawful rights")
    # （三）5 属于三类内部事务信息
    WITHHELD_INTERNAL = "withheld_internal", _l("5. One of the three kinds of internal-affairs information")
    # （三）6 属于四类过程性信息
    WITHHELD_PROCESS = "withheld_process", _l("6. One of the four kinds of process information")
    # （三）7 属于行政执法案卷
    WITHHELD_ENFORCEMENT = "withheld_enforcement", _l("7. An administrative enforcement case file")
    WITHHELD_QUERY = "withheld_query", _l("8. An administrative query matter")  # （三）8 属于行政查询事项
    # （四）1 本机关不掌握相关政府信息
    UNAVAILABLE_NOT_HELD = "unavailable_not_held", _l("1. This agency does not hold the information")
    # （四）2 没有现成信息需要另行制作
    UNAVAILABLE_NEEDS_MAKING = "unavailable_needs_making", _l("2. No existing information: it would have to be made")
    # （四）3 补正后申请内容仍不明确
    UNAVAILABLE_UNCLEAR = "unavailable_unclear", _l("3. The application is still unclear after completion")
    # （五）1 信访举报投诉类申请
    NOT_HANDLED_COMPLAINT = "not_handled_complaint", _l("1. A petition, report or complaint")
    NOT_HANDLED_REPEATED = "not_handled_repeated", _l("2. A repeated application")  # （五）2 重复申请
    # （五）3 要求提供公开出版物
    NOT_HANDLED_PUBLICATION = "not_handled_publication", _l("3. Asks for a public publication")
    # （五）4 无正当理由大量反复申请
    NOT_HANDLED_EXCESSIVE = "not_handled_excessive", _l("4. Many repeated applications without a proper reason")
    # （五）5 要求行政机关确认或重新出具已获取信息
    NOT_HANDLED_CONFIRM = "not_handled_confirm", _l("5. Asks the agency to confirm or re-issue information already "
                                                    "obtained")
    # （六）1 逾期不补正
    OTHER_NOT_COMPLETED = "other_not_completed", _l("1. The applicant did not complete the application in time "
                                                    "without a proper reason; the agency no longer handles it")
    # （六）2 逾期未缴费
    OTHER_FEE_UNPAID = "other_fee_unpaid", _l("2. The applicant did not pay the fee notified in time; the agency "
                                              "no longer handles it")
    OTHER = "other", _l("3. Other")                                              # （六）3 其他

    @property
    def group(self) -> OutcomeGroup:
        return next(group for group, members in OUTCOME_GROUPS.items() if self in members)


OUTCOME_GROUPS = {
    OutcomeGroup.DISCLOSED: [Outcome.DISCLOSED],
    OutcomeGroup.PARTLY_DISCLOSED: [Outcome.PARTLY_DISCLOSED],
    OutcomeGroup.WITHHELD: [Outcome.WITHHELD_STATE_SECRET, Outcome.WITHHELD_BY_LAW, Outcome.WITHHELD_SECURITY,
                            Outcome.WITHHELD_THIRD_PARTY, Outcome.WITHHELD_INTERNAL, Outcome.WITHHELD_PROCESS,
                            Outcome.WITHHELD_ENFORCEMENT, Outcome.WITHHELD_QUERY],
    OutcomeGroup.UNAVAILABLE: [Outcome.UNAVAILABLE_NOT_HELD, Outcome.UNAVAILABLE_NEEDS_MAKING,
                               Outcome.UNAVAILABLE_UNCLEAR],
    OutcomeGroup.NOT_HANDLED: [Outcome.NOT_HANDLED_COMPLAINT, Outcome.NOT_HANDLED_REPEATED,
                               Outcome.NOT_HANDLED_PUBLICATION, Outcome.NOT_HANDLED_EXCESSIVE,
                               Outcome.NOT_HANDLED_CONFIRM],
    OutcomeGroup.OTHER: [Outcome.OTHER_NOT_COMPLETED, Outcome.OTHER_FEE_UNPAID, Outcome.OTHER],
}

# The template's rows with their three label levels, as (level 1, level 2, level 3, key); key is an Outcome, a
# group total, or one of the balance rows.
ROW_NEW, ROW_CARRIED_IN, ROW_TOTAL, ROW_CARRIED_OUT = "new", "carried_in", "total", "carried_out"
LEVEL1_NEW = _l("1. New applications received this year")
LEVEL1_CARRIED_IN = _l("2. Applications carried over from the previous year")
LEVEL1_RESULTS = _l("3. Results this year")
LEVEL2_TOTAL = _l("(7) Grand total")
LEVEL1_CARRIED_OUT = _l("4. Carried over to next year")
BALANCE_NOTE = _l("(The figures of this column balance: item 1 plus item 2 equals item 3 plus item 4)")


def table3_rows() -> list[tuple[Any, Any, Any, str]]:
    """The 25 number rows of table 三 in the template's order: (level 1, level 2, level 3, key)."""
    rows = [(LEVEL1_NEW, "", "", ROW_NEW), (LEVEL1_CARRIED_IN, "", "", ROW_CARRIED_IN)]
    for group, members in OUTCOME_GROUPS.items():
        if len(members) == 1:
            rows.append((LEVEL1_RESULTS, group.title, "", members[0]))
        else:
            rows += [(LEVEL1_RESULTS, group.title, outcome.title, outcome) for outcome in members]
    rows += [(LEVEL1_RESULTS, LEVEL2_TOTAL, "", ROW_TOTAL), (LEVEL1_CARRIED_OUT, "", "", ROW_CARRIED_OUT)]
    return rows


# What each reply type (art. 36) may count as; the first is taken when staff choose none, and None means a
# choice is required (the ground of a refusal, art. 36 (三), has no default).
REPLY_OUTCOMES: dict[ReplyType, list[Outcome]] = {
    # art. 36 (一); art. 39 second paragraph: public publications — tell the applicant where to get them.
    ReplyType.ALREADY_PUBLIC: [Outcome.DISCLOSED, Outcome.NOT_HANDLED_PUBLICATION],
    ReplyType.DISCLOSED: [Outcome.DISCLOSED, Outcome.PARTLY_DISCLOSED],
    ReplyType.NOT_DISCLOSED: OUTCOME_GROUPS[OutcomeGroup.WITHHELD],
    # art. 36 (四); art. 38 (information would have to be made); art. 30 (still unclear after completion).
    ReplyType.NOT_EXIST: OUTCOME_GROUPS[OutcomeGroup.UNAVAILABLE],
    ReplyType.NOT_THIS_AGENCY: [Outcome.UNAVAILABLE_NOT_HELD],
    # art. 36 (六); art. 35 (many repeated applications); art. 39 (confirm or re-issue what was obtained).
    ReplyType.DUPLICATE: [Outcome.NOT_HANDLED_REPEATED, Outcome.NOT_HANDLED_EXCESSIVE, Outcome.NOT_HANDLED_CONFIRM],
    # art. 36 (七): registers with their own access rules — none of the template's named rows.
    ReplyType.SPECIAL_REGIME: [Outcome.OTHER],
}
CHOICE_REQUIRED = frozenset({ReplyType.NOT_DISCLOSED})


def reply_outcome(reply_type: ReplyType, *, partial: bool, chosen: str = "") -> Outcome | None:
    """The outcome row of an answer; None when the choice is missing or does not fit the reply type."""
    allowed = REPLY_OUTCOMES[reply_type]
    if chosen and chosen not in allowed:
        return None
    if reply_type == ReplyType.DISCLOSED:
        return Outcome.PARTLY_DISCLOSED if partial else Outcome.DISCLOSED  # art. 37: the flag decides
    if not chosen:
        return None if reply_type in CHOICE_REQUIRED else allowed[0]
    return Outcome(chosen)


def finished_outcome(state: RequestState, reply_type: str | None, partial: bool, recorded: str | None,
                     answered: bool) -> Outcome | None:
    """The outcome row of a request that ended: a recorded answer's row, else the row its ending implies.
    None for a request answered before outcomes were recorded whose reply type has no default."""
    if answered:
        if recorded in Outcome.values():
            return Outcome(recorded)
        return reply_outcome(ReplyType(cast(str, reply_type)), partial=partial)
    return {RequestState.REDIRECTED: Outcome.NOT_HANDLED_COMPLAINT,  # art. 39: a complaint, not an application
            RequestState.CLOSED: Outcome.OTHER_NOT_COMPLETED,        # art. 30: not completed in time
            RequestState.WITHDRAWN: Outcome.OTHER}.get(state)


# Table 四: administrative review and litigation.
class AppealKind(TitledEnum):
    REVIEW = "review", _l("Administrative review")                                      # 行政复议
    LAWSUIT_DIRECT = "lawsuit_direct", _l("Lawsuit without prior review")               # 行政诉讼 · 未经复议直接起诉
    LAWSUIT_AFTER_REVIEW = "lawsuit_after_review", _l("Lawsuit after review")          # 行政诉讼 · 复议后起诉


class AppealResult(TitledEnum):
    UPHELD = "upheld", _l("Result upheld")          # 结果维持
    CORRECTED = "corrected", _l("Result corrected")  # 结果纠正
    OTHER = "other", _l("Other result")             # 其他结果
    PENDING = "pending", _l("Not yet concluded")    # 尚未审结


def labels() -> dict[str, Any]:
    """The column headers of tables 三 and 四 (in zh_Hans, the template's words)."""
    return {"balance_note": BALANCE_NOTE, "applicants": _l("Applicants by kind"), "citizen": _l("Natural persons"),
            "organisations": _l("Legal persons or other organisations"), "total": _l("Grand total"),
            "review": _l("Administrative review"), "litigation": _l("Administrative litigation"),
            "lawsuit_direct": AppealKind.LAWSUIT_DIRECT.title,
            "lawsuit_after_review": AppealKind.LAWSUIT_AFTER_REVIEW.title}


def appeal_columns() -> list[Any]:
    """The five cells under each kind of case in table 四: the four results and 总计."""
    return [*(result.title for result in AppealResult), _l("Grand total")]


def table3_layout() -> list[tuple[str, list[tuple[Any, int, int]]]]:
    """Table 三's rows for display: (key, label cells), each cell (text, rowspan, colspan), merged as in the
    template (a level-1 label over all its rows, a group label over its reasons, spans across empty levels)."""
    rows = table3_rows()
    layout: list[tuple[str, list[tuple[Any, int, int]]]] = []
    for index, (level1, level2, level3, key) in enumerate(rows):
        cells: list[tuple[Any, int, int]] = []
        if index == 0 or rows[index - 1][0] != level1:
            span = sum(1 for row in rows if row[0] == level1)
            cells.append((level1, span, 3 if not level2 else 1))
        if level2 and (index == 0 or rows[index - 1][1] != level2):
            span = sum(1 for row in rows if row[1] == level2)
            cells.append((level2, span, 2 if not level3 else 1))
        if level3:
            cells.append((level3, 1, 1))
        layout.append((key, cells))
    return layout


def balance_problems(cells: dict[str, dict[str, int]], appeal_cells: dict[str, dict[str, int]]) -> list[str]:
    """The identities a filed report must satisfy, as a list of the ones that fail (empty when balanced):
    in every column 一 + 二 = 三（七）总计 + 四 and （七）总计 = the sum of the result rows; in every row 总计 = 自然人
    + the five kinds of organisation; in table 四 each 总计 = the four results before it."""
    problems: list[str] = []
    outcomes = list(Outcome)
    for column in COLUMNS:
        value = {key: cells[key][column] for key in cells}
        if value[ROW_NEW] + value[ROW_CARRIED_IN] != value[ROW_TOTAL] + value[ROW_CARRIED_OUT]:
            problems.append(f"{column}: new + carried in != total + carried out")
        if value[ROW_TOTAL] != sum(value[o] for o in outcomes):
            problems.append(f"{column}: total != sum of results")
    for key, row in cells.items():
        if row[TOTAL_COLUMN] != sum(row[c] for c in COLUMNS if c != TOTAL_COLUMN):
            problems.append(f"{key}: total column != sum of applicant columns")
    for kind, row in appeal_cells.items():
        if row[TOTAL_COLUMN] != sum(row[r] for r in AppealResult):
            problems.append(f"{kind}: total != sum of results")
    return problems
