"""Shared set-up for notice tests: categories, a district, and a way to write, submit and publish notices."""
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest

from app.notices import services
from app.notices.models import NoticeCategory
from app.notices.workflow import ChangeStep, Step
from tests import factories

SCHEME = "{bureau_code}/{year}-{seq:05d}"
NOW = datetime(2026, 9, 28, 2, 0, tzinfo=timezone.utc)  # a Monday morning in Beijing
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def city(session, staff):
    """Two top-level categories (environment quality with a child, penalties) and a district."""
    quality = NoticeCategory(code="quality", name_zh_hans="环境质量", name_en="Environmental quality", sort_order=1)
    air = NoticeCategory(code="quality-air", name_zh_hans="空气质量", parent=quality, sort_order=2)
    penalties = NoticeCategory(code="penalties", name_zh_hans="行政处罚", name_en="Administrative penalties",
                               sort_order=3)
    session.add_all([quality, air, penalties])
    district = factories.place(session, code="wuchang", name_zh_hans="武昌区", name_en="Wuchang District")
    session.commit()
    return SimpleNamespace(quality=quality, air=air, penalties=penalties, district=district,
                           home=staff["bureaus"]["home"], other=staff["bureaus"]["other"])


@pytest.fixture
def draft(session, staff, city):
    """Write a draft through the service as the home bureau's editor (or `author`)."""
    def write(*, author=None, category=None, bureau=None, title="2026年9月空气质量月报",
              summary="全市空气质量优良天数比例为92.3%。",
              body="## 监测结果\n\n优良天数 **27** 天。", created_on=date(2026, 9, 25), publish_at=None, places=(),
              **texts):
        data = services.NoticeInput(category=category or city.air, bureau=bureau or city.home, created_on=created_on,
                                    titles={"zh_hans": title, **texts.get("titles", {})},
                                    summaries={"zh_hans": summary, **texts.get("summaries", {})},
                                    bodies={"zh_hans": body, **texts.get("bodies", {})}, publish_at=publish_at,
                                    places=list(places))
        notice = services.create_notice(session, author or staff["bureau_editor"], data, now=NOW)
        session.commit()
        return notice
    return write


@pytest.fixture
def publish(session, staff):
    """Submit a draft as its author and approve it as the reviewer."""
    def run(notice, *, now=NOW):
        services.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT, now=now)
        services.take_step(session, staff["reviewer"], notice, Step.APPROVE, index_scheme=SCHEME, now=now)
        session.commit()
        return notice
    return run


def notice_input(notice, **changes) -> services.NoticeInput:
    """The notice's current values as input, with changes."""
    values = dict(category=notice.category, bureau=notice.bureau, created_on=notice.created_on,
                  titles={"zh_hans": notice.title_zh_hans, "zh_hant": notice.title_zh_hant, "en": notice.title_en},
                  summaries={"zh_hans": notice.summary_zh_hans}, bodies={"zh_hans": notice.body_zh_hans},
                  publish_at=notice.publish_at, places=list(notice.places), indicators=list(notice.indicators))
    values.update(changes)
    return services.NoticeInput(**values)


@pytest.fixture
def correct(session, staff):
    """Ask for a correction as the home bureau's editor and have the reviewer approve it."""
    def run(notice, data, note, *, now=NOW):
        change = services.update_notice(session, staff["bureau_editor"], notice, data, correction_note=note, now=now)
        services.decide_change(session, staff["reviewer"], change, ChangeStep.APPROVE, now=now)
        session.commit()
        return change
    return run


@pytest.fixture
def withdraw(session, staff):
    """Ask for a withdrawal as the home bureau's editor and have the reviewer approve it."""
    def run(notice, reason, *, now=NOW):
        change = services.take_step(session, staff["bureau_editor"], notice, Step.WITHDRAW, comment=reason, now=now)
        services.decide_change(session, staff["reviewer"], change, ChangeStep.APPROVE, now=now)
        session.commit()
        return change
    return run
