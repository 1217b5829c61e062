"""The notice workflow table and the pure text helpers: Markdown sanitising, markup detection, highlighting."""
import itertools

import pytest

from app.notices.text import excerpt, has_markup, highlight, index_number, render_markdown
from app.notices.workflow import (CHANGE_EVENTS, CHANGE_REVIEW_STEPS, CHANGE_STEPS, CHANGE_TRANSITIONS, EVENT_TITLES,
                                  TRANSITIONS, ChangeKind, ChangeState, ChangeStep, NoticeState, Step, TransitionError,
                                  allowed_change_steps, allowed_steps, next_change_state, next_state)

EXPECTED = {
    (NoticeState.DRAFT, Step.SUBMIT): NoticeState.SUBMITTED,
    (NoticeState.RETURNED, Step.SUBMIT): NoticeState.SUBMITTED,
    (NoticeState.SUBMITTED, Step.APPROVE): NoticeState.PUBLISHED,
    (NoticeState.SUBMITTED, Step.RETURN): NoticeState.RETURNED,
    (NoticeState.PUBLISHED, Step.CORRECT): NoticeState.PUBLISHED,
    (NoticeState.PUBLISHED, Step.WITHDRAW): NoticeState.WITHDRAWN,
}


@pytest.mark.parametrize("state, step", list(itertools.product(NoticeState, Step)))
def test_every_state_and_step_pair_is_allowed_exactly_as_the_table_says(state, step):
    if (state, step) in EXPECTED:
        assert next_state(state, step) == EXPECTED[(state, step)]
    else:
        with pytest.raises(TransitionError):
            next_state(state, step)


def test_the_table_is_the_expected_one():
    assert TRANSITIONS == EXPECTED


def test_a_withdrawn_notice_is_final():
    assert allowed_steps(NoticeState.WITHDRAWN) == []


def test_nothing_leads_back_to_draft_or_deletes_a_published_notice():
    assert NoticeState.DRAFT not in TRANSITIONS.values()
    assert allowed_steps(NoticeState.PUBLISHED) == [Step.CORRECT, Step.WITHDRAW]


def test_only_draft_and_returned_notices_are_freely_editable():
    assert {s for s in NoticeState if s.editable} == {NoticeState.DRAFT, NoticeState.RETURNED}


def titled(enum) -> set:
    """The members declared with a title of their own (a member without one shows its value)."""
    return {member for member in enum if str(member.title) != member.value}


def test_every_state_and_step_has_a_title(app):
    assert titled(NoticeState) == set(NoticeState) and titled(Step) == set(Step)
    assert all(str(s.title) for s in NoticeState) and all(str(s.title) for s in Step)


@pytest.mark.parametrize("source, forbidden", [
    ("<script>alert(1)</script>正文", "<script"),
    ('<img src=x onerror="alert(1)">', "onerror"),
    ("[点我](javascript:alert(1))", "javascript:"),
    ('<a href="https://example.org" onclick="steal()">链接</a>', "onclick"),
    ("<style>body{display:none}</style>", "<style"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ('<svg onload="alert(1)"></svg>', "onload"),
])
def test_markdown_bodies_lose_scripts_and_event_handlers(source, forbidden):
    assert forbidden not in str(render_markdown(source)).lower()


def test_markdown_keeps_structure_tables_and_safe_links():
    html = str(render_markdown("## 结果\n\n**优良** 天数\n\n| 区 | 天数 |\n|---|---|\n| 武昌 | 27 |\n\n"
                               "[公告](https://example.org/a)"))
    assert "<h2>结果</h2>" in html and "<strong>优良</strong>" in html and "<table>" in html
    assert 'href="https://example.org/a"' in html and 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize("value, expected", [
    ("2026年空气质量月报", False),
    ("PM2.5 < 35 微克", False),
    ("a < b 且 c > d", False),
    ("<b>加粗</b>", True),
    ("<script>alert(1)</script>", True),
    ("点击 onmouseover=alert(1)", True),
    ("javascript:alert(1)", True),
    ("< img src=x> is not a tag", False),
    ("</p>", True),
])
def test_plain_fields_with_markup_are_recognised(value, expected):
    assert has_markup(value) is expected


def test_highlight_escapes_first_then_marks():
    assert str(highlight("空气<质量>月报", "质量")) == "空气&lt;<mark>质量</mark>&gt;月报"
    assert str(highlight("Air & water", "amp")) == "Air &amp; water"  # never matches inside an entity
    assert str(highlight("<script>", "<script>")) == "<mark>&lt;script&gt;</mark>"
    assert str(highlight("PM2.5 and pm2.5", "PM2.5")) == "<mark>PM2.5</mark> and <mark>pm2.5</mark>"
    assert str(highlight("文本", "")) == "文本"


def test_excerpt_centres_on_the_match_and_drops_markdown():
    text = "## 标题\n\n" + "前" * 100 + "关键词" + "后" * 100
    short = excerpt(text, "关键词", width=40)
    assert "关键词" in short and short.startswith("…") and short.endswith("…") and "#" not in short
    assert excerpt("短文本", "无") == "短文本"


def test_index_number_follows_the_scheme():
    assert index_number("{bureau_code}/{year}-{seq:05d}", bureau_code="eeb", year=2026, seq=7) == "eeb/2026-00007"
    assert index_number("YX-{year}-{bureau_code}-{seq}", bureau_code="water", year=2025, seq=12) == "YX-2025-water-12"


CHANGE_EXPECTED = {
    (ChangeState.SUBMITTED, ChangeStep.APPROVE): ChangeState.APPROVED,
    (ChangeState.SUBMITTED, ChangeStep.RETURN): ChangeState.RETURNED,
    (ChangeState.RETURNED, ChangeStep.RESUBMIT): ChangeState.SUBMITTED,
    (ChangeState.SUBMITTED, ChangeStep.CANCEL): ChangeState.CANCELLED,
    (ChangeState.RETURNED, ChangeStep.CANCEL): ChangeState.CANCELLED,
}


@pytest.mark.parametrize("state, step", list(itertools.product(ChangeState, ChangeStep)))
def test_every_change_state_and_step_pair_is_allowed_exactly_as_the_table_says(state, step):
    if (state, step) in CHANGE_EXPECTED:
        assert next_change_state(state, step) == CHANGE_EXPECTED[(state, step)]
    else:
        with pytest.raises(TransitionError):
            next_change_state(state, step)


def test_a_change_goes_live_only_through_a_reviewers_approval():
    assert CHANGE_TRANSITIONS == CHANGE_EXPECTED
    assert [s for (_state, s), target in CHANGE_TRANSITIONS.items() if target == ChangeState.APPROVED] == \
        [ChangeStep.APPROVE]
    assert ChangeStep.APPROVE in CHANGE_REVIEW_STEPS and ChangeStep.RETURN in CHANGE_REVIEW_STEPS
    assert allowed_change_steps(ChangeState.APPROVED) == [] and allowed_change_steps(ChangeState.CANCELLED) == []
    assert {k.notice_step for k in ChangeKind} == CHANGE_STEPS == {Step.CORRECT, Step.WITHDRAW}


def test_every_change_history_entry_fits_its_column_and_has_a_title(app):
    assert all(len(step) <= 16 and step in EVENT_TITLES for step in CHANGE_EVENTS.values())
    assert all(str(k.title) for k in ChangeKind) and all(str(s.title) for s in ChangeState)
    assert all(str(s.title) for s in ChangeStep)
