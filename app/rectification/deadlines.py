"""Reading a task's deadline as feedback lists write it (完成时限, rectification-ledgers.md §4): free text of mixed
precision, a date or a month or a year, 长期坚持 (long-term), 立行立改 (immediate), or several at once. Pure code.

What a text means (the last day by which the task is due):
- a day: "2023年9月30日前", "2023年9月30日", "2023-09-30", "2023/9/30" → that day (precision "day"); "前" on a
  day means "by that day", as the lists use it;
- a month: "2024年12月底", "2025年9月底前", "2024年12月末", "2024年12月", "2024-12" → the month's last day;
  "2024年5月前" (before May begins) → the last day of the month before, 2024-04-30;
- a quarter or a half year: "2024年第三季度(末)" → 09-30, "2024年上半年" → 06-30, "2024年下半年" → 12-31;
  with "前" (not "末/底"), the end of the period before;
- a year: "2022年年底前", "2022年底", "2022年年末", "2022年内", "2022年" → 12-31; "2023年前" (before 2023
  begins) → 2022-12-31.
Anything coarser than a day has precision "month" (the ledger keeps day or month only: the due date is the
end of the month, quarter or year). Chinese numerals are read too ("二〇二四年十二月底"), full-width digits
and punctuation as well.

长期 (长期坚持, 需长期持续整改), 常态化 or "long-term" marks the task long-term; 立行立改, 立即(整改), 即知即改 or
"immediately" marks it immediate. Either may come with a date ("2024年6月底前完成,长期坚持": the date and
long-term). A text with several dates ("2022年年底前完成21项…2023年年底前全部完成") is due at the latest one.
Other words ("完成", "全部整改到位") are allowed around them. A text with neither a date nor a flag, with a
month or day but no year ("6月底前"), or with an impossible date ("2023年2月30日") cannot be read: the caller
refuses it and keeps the text for the person to correct."""
import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

DAY, MONTH = "day", "month"
MAX_LENGTH = 100  # the ledger's deadline_text column

# Why a text cannot be read (DeadlineError.reason).
EMPTY, TOO_LONG, UNREADABLE, NO_YEAR, INVALID_DATE = "empty", "too_long", "unreadable", "no_year", "invalid_date"


class DeadlineError(ValueError):
    """A deadline text that cannot be read; `reason` says why (EMPTY, TOO_LONG, UNREADABLE, NO_YEAR,
    INVALID_DATE) and `text` is the text as given."""

    def __init__(self, reason: str, text: str):
        super().__init__(f"{reason}: {text}")
        self.reason = reason
        self.text = text


@dataclass(frozen=True)
class Deadline:
    """A read deadline: the text as given, the last day it is due by (None without a date) and how precisely it
    was written, and whether the task is long-term (长期坚持) or immediate (立行立改)."""

    text: str
    due_on: date | None
    precision: str | None
    long_term: bool = False
    immediate: bool = False


_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_CN_YEAR = re.compile("[〇○零一二三四五六七八九]{4}(?=年)")
_CN_NUMBER = re.compile("(?<![〇○零一二三四五六七八九十两])([一二两三四五六七八九十]{1,3})(?=月|日|号|季度)")


def _cn_number(text: str) -> int | None:
    """一 … 三十一 as a number (None for what is not one: 十十, 二二)."""
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def _arabic(text: str) -> str:
    """Chinese numerals of years, months, days and quarters as digits: 二〇二四年十二月 → 2024年12月."""
    text = _CN_YEAR.sub(lambda m: "".join(str(_DIGITS[c]) for c in m.group(0)), text)

    def number(match: re.Match[str]) -> str:
        value = _cn_number(match.group(1))
        return match.group(0) if value is None else str(value)

    return _CN_NUMBER.sub(number, text)


_BEFORE = r"(?:之前|以前|前)"
_END = r"(?:底|末)"
_TOKEN = re.compile(
    # A day: 2023年9月30日, 2023-09-30, 2023/9/30, 2023.9.30 (前 after it changes nothing).
    rf"(?P<day_y>\d{{4}})\s*(?:年|[-/.])\s*(?P<day_m>\d{{1,2}})\s*(?:月|[-/.])\s*(?P<day_d>\d{{1,2}})(?!\d)\s*(?:日|号)?"
    rf"(?:{_BEFORE})?"
    # A month: 2024年12月底(前), 2024年5月前, 2024年12月, 2024-12.
    rf"|(?P<month_y>\d{{4}})\s*(?:年\s*(?P<month_m>\d{{1,2}})\s*月份?|-(?P<iso_m>\d{{1,2}})(?![\d\-/.]))"
    rf"\s*(?:(?P<month_end>{_END}){_BEFORE}?|(?P<month_before>{_BEFORE}))?"
    # A quarter: 2024年第3季度(末), 2024年3季度前.
    rf"|(?P<quarter_y>\d{{4}})\s*年\s*第?\s*(?P<quarter>[1-4])\s*季度\s*"
    rf"(?:(?P<quarter_end>{_END}){_BEFORE}?|(?P<quarter_before>{_BEFORE}))?"
    # A half year: 2024年上半年, 2024年下半年(底).
    rf"|(?P<half_y>\d{{4}})\s*年\s*(?P<half>[上下])半年\s*(?:(?P<half_end>{_END}){_BEFORE}?|(?P<half_before>{_BEFORE}))?"
    # A year: 2022年年底前, 2022年底, 2022年内, 2022年度, 2022年, 2023年前.
    rf"|(?P<year_y>\d{{4}})\s*年(?!\s*\d)\s*(?:(?P<year_end>(?:年\s*)?{_END}|内|度){_BEFORE}?|(?P<year_before>{_BEFORE}))?"
    # The flags.
    r"|(?P<long_term>长期|常态化|long[\s-]*term|ongoing)"
    r"|(?P<immediate>立行立改|立即|即知即改|即查即改|立查立改|边查边改|immediately|immediate)",
    re.IGNORECASE,
)
# What is left after the tokens and still looks like (part of) a date: a month or day without its year, a year
# or a numeric date the tokens could not read.
_NO_YEAR = re.compile(r"\d{1,2}\s*(?:月|日|号)|\d\s*季度|[上下]半年|年底|年末")
_COUNTED = "项|个|件|亩|吨|米|公里|平方|立方|万|千|处|家|座|条|户|人|%"  # "完成1000亩" is a count, not a year
_DATE_LIKE = re.compile(rf"(?<!\d)(?:19|20)\d{{2}}(?!\d)(?!\s*(?:{_COUNTED}))|(?<!\d)\d{{4}}\s*[-/.]\s*\d{{1,2}}")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _day_before(year: int, month: int) -> date:
    """The last day before the month begins."""
    return date(year, month, 1) - timedelta(days=1)


def _read(match: re.Match[str]) -> tuple[date, str]:
    """The due day and precision of a date token; ValueError for an impossible date."""
    group = match.group
    if group("day_y"):
        return date(int(group("day_y")), int(group("day_m")), int(group("day_d"))), DAY
    if group("month_y"):
        year, month = int(group("month_y")), int(group("month_m") or group("iso_m"))
        if not 1 <= month <= 12:
            raise ValueError(month)
        return (_day_before(year, month) if group("month_before") else _month_end(year, month)), MONTH
    if group("quarter_y"):
        year, quarter = int(group("quarter_y")), int(group("quarter"))
        first = (quarter - 1) * 3 + 1
        return (_day_before(year, first) if group("quarter_before") else _month_end(year, first + 2)), MONTH
    if group("half_y"):
        year, first = int(group("half_y")), 1 if group("half") == "上" else 7
        return (_day_before(year, first) if group("half_before") else _month_end(year, first + 5)), MONTH
    year = int(group("year_y"))
    return (date(year - 1, 12, 31) if group("year_before") else date(year, 12, 31)), MONTH


def parse_deadline(text: str) -> Deadline:
    """The deadline a text gives (see the module's docstring), or DeadlineError."""
    given = (text or "").strip()
    if not given:
        raise DeadlineError(EMPTY, given)
    if len(given) > MAX_LENGTH:
        raise DeadlineError(TOO_LONG, given)
    normal = _arabic(unicodedata.normalize("NFKC", given))
    dates: list[tuple[date, str]] = []
    long_term = immediate = False
    rest = []
    position = 0
    for match in _TOKEN.finditer(normal):
        rest.append(normal[position:match.start()])
        position = match.end()
        if match.group("long_term"):
            long_term = True
        elif match.group("immediate"):
            immediate = True
        else:
            try:
                dates.append(_read(match))
            except ValueError:
                raise DeadlineError(INVALID_DATE, given) from None
    rest.append(normal[position:])
    left = " ".join(rest)
    if _NO_YEAR.search(left):
        raise DeadlineError(NO_YEAR, given)
    if _DATE_LIKE.search(left) or not (dates or long_term or immediate):
        raise DeadlineError(UNREADABLE, given)
    if not dates:
        return Deadline(given, None, None, long_term, immediate)
    due_on, precision = max(dates, key=lambda found: found[0])
    return Deadline(given, due_on, precision, long_term, immediate)
