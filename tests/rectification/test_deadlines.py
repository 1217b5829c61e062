"""Reading deadlines as feedback lists write them: days, months, quarters, half years and years, 长期坚持 and
立行立改 alone or with a date, several dates, Chinese numerals and full-width digits; and every text that cannot
be read, refused with its reason and the text kept."""
from datetime import date

import pytest

from app.rectification.deadlines import (DAY, EMPTY, INVALID_DATE, MAX_LENGTH, MONTH, NO_YEAR, TOO_LONG, UNREADABLE,
                                         Deadline, DeadlineError, parse_deadline)


@pytest.mark.parametrize(("text", "due_on", "precision"), [
    # A day; 前 after a day means "by that day".
    ("2023年9月30日前", date(2023, 9, 30), DAY),
    ("2023年9月30日", date(2023, 9, 30), DAY),
    ("2023年9月30日之前", date(2023, 9, 30), DAY),
    ("2023年9月30号前完成", date(2023, 9, 30), DAY),
    ("2024年2月29日", date(2024, 2, 29), DAY),
    ("2023-09-30", date(2023, 9, 30), DAY),
    ("2023-9-3", date(2023, 9, 3), DAY),
    ("2023/9/30", date(2023, 9, 30), DAY),
    ("2023.9.30", date(2023, 9, 30), DAY),
    ("2023 年 9 月 30 日前", date(2023, 9, 30), DAY),
    # The end of a month.
    ("2024年12月底", date(2024, 12, 31), MONTH),
    ("2025年9月底前", date(2025, 9, 30), MONTH),
    ("2025年9月底之前完成整改", date(2025, 9, 30), MONTH),
    ("2024年2月底", date(2024, 2, 29), MONTH),
    ("2023年2月末", date(2023, 2, 28), MONTH),
    ("2024年6月", date(2024, 6, 30), MONTH),
    ("2024年6月份完成", date(2024, 6, 30), MONTH),
    ("2024-06", date(2024, 6, 30), MONTH),
    ("2024-6", date(2024, 6, 30), MONTH),
    # "X月前": before the month begins, so the end of the month before.
    ("2024年5月前", date(2024, 4, 30), MONTH),
    ("2024年5月之前", date(2024, 4, 30), MONTH),
    ("2024年5月以前", date(2024, 4, 30), MONTH),
    ("2024年3月前", date(2024, 2, 29), MONTH),
    ("2025年1月前", date(2024, 12, 31), MONTH),
    # Quarters and half years.
    ("2024年第三季度", date(2024, 9, 30), MONTH),
    ("2024年第3季度末", date(2024, 9, 30), MONTH),
    ("2024年三季度前", date(2024, 6, 30), MONTH),
    ("2024年一季度", date(2024, 3, 31), MONTH),
    ("2024年第一季度前", date(2023, 12, 31), MONTH),
    ("2024年四季度底前", date(2024, 12, 31), MONTH),
    ("2024年上半年", date(2024, 6, 30), MONTH),
    ("2024年下半年", date(2024, 12, 31), MONTH),
    ("2024年上半年前", date(2023, 12, 31), MONTH),
    ("2024年下半年前", date(2024, 6, 30), MONTH),
    # Years.
    ("2022年年底前", date(2022, 12, 31), MONTH),
    ("2022年底", date(2022, 12, 31), MONTH),
    ("2022年底前", date(2022, 12, 31), MONTH),
    ("2022年年末", date(2022, 12, 31), MONTH),
    ("2022年末前", date(2022, 12, 31), MONTH),
    ("2022年内", date(2022, 12, 31), MONTH),
    ("2022年度", date(2022, 12, 31), MONTH),
    ("2022年完成", date(2022, 12, 31), MONTH),
    ("2023年前", date(2022, 12, 31), MONTH),
    # Chinese numerals and full-width characters.
    ("二〇二四年十二月底", date(2024, 12, 31), MONTH),
    ("二〇二三年九月三十日前", date(2023, 9, 30), DAY),
    ("二零二三年十月二十一日", date(2023, 10, 21), DAY),
    ("２０２４年６月３０日", date(2024, 6, 30), DAY),
    ("２０２４－０６－３０", date(2024, 6, 30), DAY),
    # Several dates: due at the latest; counts around them are no dates.
    ("2022年年底前完成21项…2023年年底前24项全部整改完成", date(2023, 12, 31), MONTH),
    ("2023年9月至2024年6月", date(2024, 6, 30), MONTH),
    ("2024年5月前完成方案，2024年12月31日前完成整改", date(2024, 12, 31), DAY),
    ("2024年12月31日前完成，2024年12月底前验收", date(2024, 12, 31), DAY),
    ("完成造林1000亩，2024年底前", date(2024, 12, 31), MONTH),
])
def test_dates_of_every_precision(text, due_on, precision):
    assert parse_deadline(text) == Deadline(text, due_on, precision)


@pytest.mark.parametrize(("text", "long_term", "immediate"), [
    ("长期坚持", True, False),
    ("需长期持续整改", True, False),
    ("常态化推进", True, False),
    ("long-term", True, False),
    ("Long term", True, False),
    ("立行立改", False, True),
    ("立即整改", False, True),
    ("即知即改", False, True),
    ("immediately", False, True),
    ("立行立改，长期坚持", True, True),
])
def test_long_term_and_immediate_without_a_date(text, long_term, immediate):
    assert parse_deadline(text) == Deadline(text, None, None, long_term, immediate)


@pytest.mark.parametrize(("text", "due_on", "precision", "long_term", "immediate"), [
    ("2024年6月底前完成, 长期坚持", date(2024, 6, 30), MONTH, True, False),
    ("2024年6月底前完成，并长期坚持", date(2024, 6, 30), MONTH, True, False),
    ("基本完成整改，长期坚持，2025年底前全面完成", date(2025, 12, 31), MONTH, True, False),
    ("立行立改，2023年9月30日前完成", date(2023, 9, 30), DAY, False, True),
    ("立行立改，2023年底前完成并长期坚持", date(2023, 12, 31), MONTH, True, True),
])
def test_a_date_with_long_term_or_immediate(text, due_on, precision, long_term, immediate):
    assert parse_deadline(text) == Deadline(text, due_on, precision, long_term, immediate)


def test_the_text_is_kept_as_given_without_surrounding_spaces():
    found = parse_deadline("  ２０２４年１２月底前 \n")
    assert found.text == "２０２４年１２月底前" and found.due_on == date(2024, 12, 31)


@pytest.mark.parametrize(("text", "reason"), [
    ("", EMPTY),
    ("   ", EMPTY),
    ("x" * (MAX_LENGTH + 1), TOO_LONG),
    ("尽快", UNREADABLE),
    ("按要求完成", UNREADABLE),
    ("每季度", UNREADABLE),
    ("2024.6", UNREADABLE),
    ("2024年12", UNREADABLE),
    ("20241231", UNREADABLE),
    ("6月底前", NO_YEAR),
    ("六月底前", NO_YEAR),
    ("9月30日前", NO_YEAR),
    ("年底前", NO_YEAR),
    ("三季度末", NO_YEAR),
    ("下半年", NO_YEAR),
    ("2024年6月底前完成方案，12月底前完成整改", NO_YEAR),
    ("长期坚持，6月底前", NO_YEAR),
    ("2023年2月30日", INVALID_DATE),
    ("2023年2月29日", INVALID_DATE),
    ("2024年13月", INVALID_DATE),
    ("2024年0月底", INVALID_DATE),
    ("2024-13-01", INVALID_DATE),
    ("2024年4月31日前", INVALID_DATE),
])
def test_what_cannot_be_read_is_refused_with_its_reason_and_text(text, reason):
    with pytest.raises(DeadlineError) as refused:
        parse_deadline(text)
    assert refused.value.reason == reason
    assert refused.value.text == text.strip()


def test_the_longest_text_the_ledger_stores_is_read():
    text = "2024年12月底前" + "完" * (MAX_LENGTH - len("2024年12月底前"))
    assert parse_deadline(text).due_on == date(2024, 12, 31)
