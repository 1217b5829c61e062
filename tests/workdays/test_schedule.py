"""The official holiday schedule shipped with the platform, the file format, and its import (admin page, CLI).

The days come from the yearly notices 《国务院办公厅关于YYYY年部分节假日安排的通知》 (2021: 国办发明电〔2020〕27号;
2022: 国办发明电〔2021〕11号; 2023: 国办发明电〔2022〕16号; 2024: 国办发明电〔2023〕7号; 2025: 国办发明电〔2024〕12号;
2026: 国办发明电〔2025〕7号), listed in app/workdays/data/holidays-cn.md."""
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.workdays import schedule, services
from app.workdays.days import add_days
from app.workdays.models import CalendarDay, overrides


@pytest.fixture(autouse=True)
def english(app, client):
    client.set_cookie("lang", "en")
    with app.test_request_context("/?lang=en"):
        yield


def test_the_shipped_schedule_holds_every_notice_from_2021_to_2026():
    """218 days: 178 days off and 40 make-up working days, each make-up day a Saturday or Sunday."""
    days = schedule.official()
    assert len(days) == 218
    assert sum(not d.is_working_day for d in days) == 178 and sum(d.is_working_day for d in days) == 40
    assert {d.day.year for d in days} == {2021, 2022, 2023, 2024, 2025, 2026}
    assert all(d.day.weekday() >= 5 for d in days if d.is_working_day)


def test_the_2026_new_year_holiday_and_its_make_up_day():
    """2026 notice (国办发明电〔2025〕7号) 一、元旦："1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。"
    Without the schedule a 20-working-day deadline from Thursday 4 December 2025 lands on 元旦 itself."""
    found = {d.day: d for d in schedule.official()}
    assert [found[date(2026, 1, n)].is_working_day for n in (1, 2, 3, 4)] == [False, False, False, True]
    assert found[date(2026, 1, 1)].name == "元旦"
    start = date(2025, 12, 4)
    assert add_days(start, 20, working=True, overrides={}) == date(2026, 1, 1)
    official = {d.day: d.is_working_day for d in schedule.official()}
    assert add_days(start, 20, working=True, overrides=official) == date(2026, 1, 4)


def test_the_2025_national_day_and_mid_autumn_block():
    """2025 notice 六、"10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。\""""
    found = {d.day: d.is_working_day for d in schedule.official()}
    assert all(found[date(2025, 10, n)] is False for n in range(1, 9))
    assert found[date(2025, 9, 28)] is True and found[date(2025, 10, 11)] is True


GOOD = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,workday,春节\n".encode()


def test_a_good_file_is_read():
    assert schedule.parse("\ufeff".encode() + GOOD) == [
        schedule.ScheduleDay(date(2027, 1, 1), False, "元旦"), schedule.ScheduleDay(date(2027, 2, 6), True, "春节")]


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"day,type\n2027-01-01,holiday", "header"),
    ("date,kind,name\n2027-13-01,holiday,元旦\n".encode(), "Line 2: “2027-13-01” is not a date"),
    ("date,kind,name\n2027-01-01,rest,元旦\n".encode(), "Line 2: the kind must be"),
    (b"date,kind,name\n2027-01-01,holiday,\n", "Line 2: give the holiday's name"),
    ("date,kind,name\n2027-01-04,workday,元旦\n".encode(), "Line 2: 2027-01-04 is a weekday"),
    ("date,kind,name\n2027-01-01,holiday,元旦\n2027-01-01,holiday,元旦\n".encode(), "Line 3: 2027-01-01 is already"),
    ("date,kind,name\n2027-01-01,holiday,元旦\n".encode("gbk"), "not UTF-8"),
])
def test_bad_files_are_refused_with_the_line(data, message):
    with pytest.raises(schedule.ScheduleError) as error:
        schedule.parse(data)
    assert any(message in text for text in error.value.errors)


def test_every_bad_row_is_reported_at_once():
    data = "date,kind,name\n2027-01-01,holiday,元旦\nx,holiday,元旦\n2027-01-02,y,元旦\n".encode()
    with pytest.raises(schedule.ScheduleError) as error:
        schedule.parse(data)
    assert len(error.value.errors) == 2


def test_import_adds_changes_and_keeps_other_days(session, staff):
    session.add(CalendarDay(day=date(2027, 1, 1), is_working_day=True, note="typo"))
    session.add(CalendarDay(day=date(2027, 5, 20), is_working_day=False, note="本地"))
    session.flush()
    counts = services.import_schedule(session, staff["admin"], schedule.parse(GOOD), source="test")
    session.commit()
    assert counts == {"added": 1, "changed": 1, "unchanged": 0}
    assert overrides(session) == {date(2027, 1, 1): False, date(2027, 2, 6): True, date(2027, 5, 20): False}
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "calendar.import")).one()
    assert entry.actor_id == staff["admin"].id and entry.after == counts
    assert entry.before == {"changed": [{"day": "2027-01-01", "was_working_day": True, "was": "typo"}]}
    again = services.import_schedule(session, staff["admin"], schedule.parse(GOOD), source="test")
    assert again == {"added": 0, "changed": 0, "unchanged": 2}


def test_years_with_holidays(session, staff):
    services.import_schedule(session, None, schedule.official(), source="test")
    assert services.years_with_holidays(session) == {2021, 2022, 2023, 2024, 2025, 2026}


def test_an_admin_uploads_a_year(client, auth, csrf, session, staff):
    auth.login("admin")
    token = csrf.token(client, "/admin/calendar/import/")
    response = client.post("/admin/calendar/import/", data={"csrf_token": token,
                                                            "file": (io.BytesIO(GOOD), "2027.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    assert overrides(session) == {date(2027, 1, 1): False, date(2027, 2, 6): True}
    assert "2 days added" in client.get("/admin/calendar/").get_data(as_text=True)


def test_a_bad_upload_saves_nothing_and_names_the_lines(client, auth, csrf, session, staff):
    auth.login("admin")
    token = csrf.token(client, "/admin/calendar/import/")
    bad = GOOD + "2027-01-05,workday,春节\n".encode()
    response = client.post("/admin/calendar/import/", data={"csrf_token": token, "file": (io.BytesIO(bad), "x.csv")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported" in html and "Line 4: 2027-01-05 is a weekday" in html
    assert session.scalar(select(func.count()).select_from(CalendarDay)) == 0
    missing = client.post("/admin/calendar/import/", data={"csrf_token": token}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Choose a CSV file." in missing.get_data(as_text=True)


def test_an_admin_loads_the_official_schedule(client, auth, csrf, session, staff):
    auth.login("admin")
    token = csrf.token(client, "/admin/calendar/import/")
    response = client.post("/admin/calendar/import/", data={"csrf_token": token, "action": "official"})
    assert response.status_code == 303
    assert len(overrides(session)) == 218
    assert client.post("/admin/calendar/import/", data={"action": "official"}).status_code == 400


def test_an_editor_cannot_import(client, auth, csrf, staff):
    auth.login("editor")
    assert client.get("/admin/calendar/import/").status_code == 403


def test_the_cli_loads_the_official_schedule_and_checks_a_file(runner, session, tmp_path):
    result = runner.invoke(args=["calendar-import"])
    assert result.exit_code == 0 and "218 days added" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes("date,kind,name\n2027-01-01,holiday,元旦\n2027-01-06,workday,元旦\n".encode())
    result = runner.invoke(args=["calendar-import", str(bad)])
    assert result.exit_code != 0 and "Line 3" in result.output
    assert date(2027, 1, 1) not in overrides(session)
    good = tmp_path / "2027.csv"
    good.write_bytes(GOOD)
    result = runner.invoke(args=["calendar-import", str(good)])
    assert result.exit_code == 0 and "2 days added" in result.output
