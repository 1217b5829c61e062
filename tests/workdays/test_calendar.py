"""The calendar of holidays and make-up working days as stored by admins, and the audited writes that change it."""
from datetime import date

from flask import url_for
from sqlalchemy import select

from app.audit import AuditEntry
from app.workdays import services
from app.workdays.days import add_days
from app.workdays.models import CalendarDay, overrides


def test_an_empty_calendar_has_no_overrides(session):
    assert overrides(session) == {}


def test_stored_days_become_overrides_for_counting(session):
    # Example dates shaped like the 2026 National Day week, not the official calendar.
    session.add_all([CalendarDay(day=date(2026, 10, 1), is_working_day=False, note="国庆节"),
                     CalendarDay(day=date(2026, 10, 10), is_working_day=True, note="调休")])
    session.commit()
    found = overrides(session)
    assert found == {date(2026, 10, 1): False, date(2026, 10, 10): True}
    assert add_days(date(2026, 9, 30), 1, working=True, overrides=found) == date(2026, 10, 2)
    assert add_days(date(2026, 10, 9), 1, working=True, overrides=found) == date(2026, 10, 10)


# Writes by an admin, and the calendar page among the staff pages

def _audits(session, action):
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def test_setting_a_new_day_stores_it_and_the_audit_says_it_was_not_there(session, staff):
    services.set_day(session, staff["admin"], date(2026, 10, 1), is_working_day=False, note="国庆节")
    session.commit()
    assert overrides(session) == {date(2026, 10, 1): False}
    [entry] = _audits(session, "calendar.set_day")
    assert entry.actor_id == staff["admin"].id and entry.object_id == "2026-10-01" and entry.before is None
    assert entry.after == {"is_working_day": False, "note": "国庆节"}


def test_setting_a_day_again_changes_it_and_the_audit_keeps_what_it_was(session, staff):
    session.add(CalendarDay(day=date(2026, 10, 10), is_working_day=False, note="误录"))
    session.commit()
    services.set_day(session, staff["admin"], date(2026, 10, 10), is_working_day=True, note="调休上班")
    session.commit()
    assert overrides(session) == {date(2026, 10, 10): True}
    [entry] = _audits(session, "calendar.set_day")
    assert entry.before == {"is_working_day": False, "note": "误录"}
    assert entry.after == {"is_working_day": True, "note": "调休上班"}


def test_removing_a_day_makes_it_ordinary_and_the_audit_keeps_what_it_was(session, staff):
    row = CalendarDay(day=date(2026, 10, 1), is_working_day=False, note="国庆节")
    session.add(row)
    session.commit()
    services.remove_day(session, staff["admin"], row)
    session.commit()
    assert overrides(session) == {}
    [entry] = _audits(session, "calendar.remove_day")
    assert entry.object_id == "2026-10-01" and entry.before == {"is_working_day": False, "note": "国庆节"}


def test_the_calendar_page_keeps_its_address_and_its_place_in_the_staff_menu(app):
    with app.test_request_context():
        assert url_for("calendar_admin.index") == "/admin/calendar/"
        assert url_for("calendar_admin.delete_day", day="2026-10-01") == "/admin/calendar/2026-10-01/delete"
        assert url_for("calendar_import.index") == "/admin/calendar/import/"
    menu = [item.endpoint for item in app.extensions["staff_nav_items"]]
    assert menu.index("calendar_admin.index") == menu.index("tips_admin.queue") + 1
