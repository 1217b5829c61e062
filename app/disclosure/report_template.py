"""The official template of the yearly disclosure work report (国办公开办函〔2021〕30号): the applicant columns and
the outcome rows of table 三, the cells of table 四, and which outcome row each way of ending a request counts
in. Pure code."""
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from app.disclosure.workflow import ReplyType, RequestState


class OrganisationKind(StrEnum):
    """The five kinds of 法人或其他组织 the template counts applicants by."""

    COMMERCIAL = "commercial"            # 商业企业
    RESEARCH = "research"                # 科研机构
    PUBLIC_INTEREST = "public_interest"  # 社会公益组织
    LEGAL_SERVICE = "legal_service"      # 法律服务机构
    OTHER = "other"                      # 其他

    @property
    def title(self) -> str:
        return ORGANISATION_KIND_TITLES[self]


ORGANISATION_KIND_TITLES = {
    OrganisationKind.COMMERCIAL: _l("Commercial enterprise"),
    OrganisationKind.RESEARCH: _l("Research institution"),
    OrganisationKind.PUBLIC_INTEREST: _l("Public-interest organisation"),
    OrganisationKind.LEGAL_SERVICE: _l("Legal service provider"),
    OrganisationKind.OTHER: _l("Other organisation"),
}

# Table 三's seven number columns, in the template's order: 自然人, the five kinds, 总计.
CITIZEN_COLUMN = "citizen"
TOTAL_COLUMN = "total"
COLUMNS = [CITIZEN_COLUMN, *(kind.value for kind in OrganisationKind), TOTAL_COLUMN]


class Outcome(StrEnum):
    """The fixed rows of 三、本年度办理结果, one per way a request ended in the year."""

    DISCLOSED = "disclosed"                                # （一）予以公开
    PARTLY_DISCLOSED = "partly_disclosed"                  # （二）部分公开
    WITHHELD_STATE_SECRET = "withheld_state_secret"        # （三）1 属于国家秘密
    WITHHELD_BY_LAW = "withheld_by_law"                    # （三）2 其他法律行政法规禁止公开
    WITHHELD_SECURITY = "withheld_security"                # （三）3 危及“三安全一稳定”
    WITHHELD_THIRD_PARTY = "withheld_third_party"          # （三）4 保护第三方合法权益
    WITHHELD_INTERNAL = "withheld_internal"                # （三）5 属于三类内部事务信息
    WITHHELD_PROCESS = "withheld_process"                  # （三）6 属于四类过程性信息
    WITHHELD_ENFORCEMENT = "withheld_enforcement"          # （三）7 属于行政执法案卷
    WITHHELD_QUERY = "withheld_query"                      # （三）8 属于行政查询事项
    UNAVAILABLE_NOT_HELD = "unavailable_not_held"          # （四）1 本机关不掌握相关政府信息
    UNAVAILABLE_NEEDS_MAKING = "unavailable_needs_making"  # （四）2 没有现成信息需要另行制作
    UNAVAILABLE_UNCLEAR = "unavailable_unclear"            # （四）3 补正后申请内容仍不明确
    NOT_HANDLED_COMPLAINT = "not_handled_complaint"        # （五）1 信访举报投诉类申请
    NOT_HANDLED_REPEATED = "not_handled_repeated"          # （五）2 重复申请
    NOT_HANDLED_PUBLICATION = "not_handled_publication"    # （五）3 要求提供公开出版物
    NOT_HANDLED_EXCESSIVE = "not_handled_excessive"        # （五）4 无正当理由大量反复申请
    NOT_HANDLED_CONFIRM = "not_handled_confirm"            # （五）5 要求行政机关确认或重新出具已获取信息
    OTHER_NOT_COMPLETED = "other_not_completed"            # （六）1 逾期不补正
    OTHER_FEE_UNPAID = "other_fee_unpaid"                  # （六）2 逾期未缴费
    OTHER = "other"                                        # （六）3 其他

    @property
    def title(self) -> str:
        return OUTCOME_TITLES[self]

    @property
    def group(self) -> "OutcomeGroup":
        return next(group for group, members in OUTCOME_GROUPS.items() if self in members)


class OutcomeGroup(StrEnum):
    DISCLOSED = "disclosed"
    PARTLY_DISCLOSED = "partly_disclosed"
    WITHHELD = "withheld"
    UNAVAILABLE = "unavailable"
    NOT_HANDLED = "not_handled"
    OTHER = "other"

    @property
    def title(self) -> str:
        return GROUP_TITLES[self]


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

# In zh_Hans these are the template's labels, character for character.
GROUP_TITLES = {
    OutcomeGroup.DISCLOSED: _l("(1) Disclosed"),
    OutcomeGroup.PARTLY_DISCLOSED: _l("(2) Partly disclosed (a request handled in parts counts here only)"),
    OutcomeGroup.WITHHELD: _l("(3) Not disclosed"),
    OutcomeGroup.UNAVAILABLE: _l("(4) Cannot be provided"),
    OutcomeGroup.NOT_HANDLED: _l("(5) Not handled"),
    OutcomeGroup.OTHER: _l("(6) Handled otherwise"),
}
OUTCOME_TITLES = {
    Outcome.DISCLOSED: GROUP_TITLES[OutcomeGroup.DISCLOSED],
    Outcome.PARTLY_DISCLOSED: GROUP_TITLES[OutcomeGroup.PARTLY_DISCLOSED],
    Outcome.WITHHELD_STATE_SECRET: _l("1. A state secret"),
    Outcome.WITHHELD_BY_LAW: _l("2. Disclosure forbidden by other laws or administrative regulations"),
    Outcome.WITHHELD_SECURITY: _l("3. Endangers the “three securities and one stability”"),
    Outcome.WITHHELD_THIRD_PARTY: _l("4. Protects a third party's lawful rights"),
    Outcome.WITHHELD_INTERNAL: _l("5. One of the three kinds of internal-affairs information"),
    Outcome.WITHHELD_PROCESS: _l("6. One of the four kinds of process information"),
    Outcome.WITHHELD_ENFORCEMENT: _l("7. An administrative enforcement case file"),
    Outcome.WITHHELD_QUERY: _l("8. An administrative query matter"),
    Outcome.UNAVAILABLE_NOT_HELD: _l("1. This agency does not hold the information"),
    Outcome.UNAVAILABLE_NEEDS_MAKING: _l("2. No existing information: it would have to be made"),
    Outcome.UNAVAILABLE_UNCLEAR: _l("3. The application is still unclear after completion"),
    Outcome.NOT_HANDLED_COMPLAINT: _l("1. A petition, report or complaint"),
    Outcome.NOT_HANDLED_REPEATED: _l("2. A repeated application"),
    Outcome.NOT_HANDLED_PUBLICATION: _l("3. Asks for a public publication"),
    Outcome.NOT_HANDLED_EXCESSIVE: _l("4. Many repeated applications without a proper reason"),
    Outcome.NOT_HANDLED_CONFIRM: _l("5. Asks the agency to confirm or re-issue information already obtained"),
    Outcome.OTHER_NOT_COMPLETED: _l("1. The applicant did not complete the application in time without a proper "
                                    "reason; the agency no longer handles it"),
    Outcome.OTHER_FEE_UNPAID: _l("2. The applicant did not pay the fee notified in time; the agency no longer "
                                 "handles it"),
    Outcome.OTHER: _l("3. Other"),
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


def table3_rows() -> list[tuple]:
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
    if chosen and chosen not in {o.value for o in allowed}:
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
        if recorded in {outcome.value for outcome in Outcome}:
            return Outcome(recorded)
        return reply_outcome(ReplyType(reply_type), partial=partial)
    return {RequestState.REDIRECTED: Outcome.NOT_HANDLED_COMPLAINT,  # art. 39: a complaint, not an application
            RequestState.CLOSED: Outcome.OTHER_NOT_COMPLETED,        # art. 30: not completed in time
            RequestState.WITHDRAWN: Outcome.OTHER}.get(state)


# Table 四: administrative review and litigation.
class AppealKind(StrEnum):
    REVIEW = "review"                                # 行政复议
    LAWSUIT_DIRECT = "lawsuit_direct"                # 行政诉讼 · 未经复议直接起诉
    LAWSUIT_AFTER_REVIEW = "lawsuit_after_review"    # 行政诉讼 · 复议后起诉

    @property
    def title(self) -> str:
        return APPEAL_KIND_TITLES[self]


class AppealResult(StrEnum):
    UPHELD = "upheld"        # 结果维持
    CORRECTED = "corrected"  # 结果纠正
    OTHER = "other"          # 其他结果
    PENDING = "pending"      # 尚未审结

    @property
    def title(self) -> str:
        return APPEAL_RESULT_TITLES[self]


APPEAL_KIND_TITLES = {
    AppealKind.REVIEW: _l("Administrative review"),
    AppealKind.LAWSUIT_DIRECT: _l("Lawsuit without prior review"),
    AppealKind.LAWSUIT_AFTER_REVIEW: _l("Lawsuit after review"),
}
APPEAL_RESULT_TITLES = {
    AppealResult.UPHELD: _l("Result upheld"),
    AppealResult.CORRECTED: _l("Result corrected"),
    AppealResult.OTHER: _l("Other result"),
    AppealResult.PENDING: _l("Not yet concluded"),
}

def labels() -> dict:
    """The column headers of tables 三 and 四 (in zh_Hans, the template's words)."""
    return {"balance_note": BALANCE_NOTE, "applicants": _l("Applicants by kind"), "citizen": _l("Natural persons"),
            "organisations": _l("Legal persons or other organisations"), "total": _l("Grand total"),
            "review": _l("Administrative review"), "litigation": _l("Administrative litigation"),
            "lawsuit_direct": APPEAL_KIND_TITLES[AppealKind.LAWSUIT_DIRECT],
            "lawsuit_after_review": APPEAL_KIND_TITLES[AppealKind.LAWSUIT_AFTER_REVIEW]}


def appeal_columns() -> list:
    """The five cells under each kind of case in table 四: the four results and 总计."""
    return [*(result.title for result in AppealResult), _l("Grand total")]


def table3_layout() -> list[tuple]:
    """Table 三's rows for display: (key, label cells), each cell (text, rowspan, colspan), merged as in the
    template (a level-1 label over all its rows, a group label over its reasons, spans across empty levels)."""
    rows = table3_rows()
    layout = []
    for index, (level1, level2, level3, key) in enumerate(rows):
        cells = []
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


def balance_problems(cells: dict, appeal_cells: dict) -> list[str]:
    """The identities a filed report must satisfy, as a list of the ones that fail (empty when balanced):
    in every column 一 + 二 = 三（七）总计 + 四 and （七）总计 = the sum of the result rows; in every row 总计 = 自然人
    + the five kinds of organisation; in table 四 each 总计 = the four results before it."""
    problems = []
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
