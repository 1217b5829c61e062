"""The retention purge: names and phones of old sign-ups, bookings and suggestions emptied, inactive volunteers
deleted with their hours kept on the sign-ups; counts stay, a second run changes nothing, a dry run nothing."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.casework import codes
from app.participation import retention, volunteers
from app.participation.models import (Activity, Booking, Facility, FacilityKind, Registration, Suggestion,
                                      SuggestionState, VisitSlot, Volunteer)
from tests import factories
from tests.participation.volunteer_fixtures import activity, registration

NOW = datetime(2027, 7, 1, 4, 0, tzinfo=timezone.utc)
OLD = NOW - timedelta(days=400)
RECENT = NOW - timedelta(days=30)


def _slot(session, bureau_, starts_at):
    place = factories.place(session)
    facility = Facility(kind=FacilityKind.SEWAGE, name_zh_hans="城南污水处理厂", address_zh_hans="城南路1号",
                        bureau_id=bureau_.id, place_id=place.id)
    session.add(facility)
    session.flush()
    slot = VisitSlot(facility_id=facility.id, day=starts_at.date(), starts_at=starts_at,
                     ends_at=starts_at + timedelta(hours=2), capacity=40, taken=10)
    session.add(slot)
    session.flush()
    return slot


def _booking(session, slot):
    row = Booking(slot_id=slot.id, contact_name="孙老师", contact_phone="13300133000", size=10,
                  group_name="实验小学", code_digest=codes.digest(codes.new_code(), "k"))
    session.add(row)
    return row


def _suggestion(session, state, at):
    row = Suggestion(state=state, title="增设分类垃圾桶", body="建议在公园增设分类垃圾桶",
                     name="周八", phone="13200132000",
                     code_digest=codes.digest(codes.new_code(), "k"), submitted_at=at)
    if state == SuggestionState.ANSWERED:
        row.published_at, row.answer_due, row.adoption, row.answer, row.answered_at = (
            at, date(2026, 1, 1), "adopted", "已采纳", at)
    session.add(row)
    return row


@pytest.fixture
def world(session, staff):
    home = staff["bureaus"]["home"]
    old_reg = registration(session, activity(session, home, starts_at=OLD), name="张三", phone="13800138000")
    volunteers.confirm_hours(session, staff["admin"], old_reg, 3)
    old_reg.volunteer.last_active_at = OLD
    kept_reg = registration(session, activity(session, home, starts_at=RECENT), name="李四", phone="13900139000")
    kept_reg.volunteer.last_active_at = RECENT
    rows = {
        "old_reg": old_reg, "kept_reg": kept_reg,
        "old_booking": _booking(session, _slot(session, home, OLD)),
        "kept_booking": _booking(session, _slot(session, home, RECENT)),
        "old_answered": _suggestion(session, SuggestionState.ANSWERED, OLD),
        "old_rejected": _suggestion(session, SuggestionState.REJECTED, OLD),
        "old_published": _suggestion(session, SuggestionState.PUBLISHED, OLD),
        "kept_answered": _suggestion(session, SuggestionState.ANSWERED, RECENT),
    }
    rows["old_published"].published_at, rows["old_published"].answer_due = OLD, date(2026, 8, 1)
    session.commit()
    return {name: row.id for name, row in rows.items()} | {"old_volunteer": old_reg.volunteer_id,
                                                           "kept_volunteer": kept_reg.volunteer_id}


def _purges(session, action="participation.purge"):
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_old_personal_data_is_emptied_and_recent_kept(session, world):
    counts = retention.purge(session, NOW, 365)
    session.commit()
    assert (counts.registrations, counts.bookings, counts.suggestions, counts.volunteers) == (1, 1, 2, 1)
    old = session.get(Registration, world["old_reg"])
    assert (old.name, old.phone, old.purged_at is not None, old.volunteer_id, old.hours) == ("", "", True, None, 3)
    assert old.phone_digest != volunteers.phone_digest("13800138000", "test-secret-key-not-for-production")
    kept = session.get(Registration, world["kept_reg"])
    assert (kept.name, kept.volunteer_id) == ("李四", world["kept_volunteer"])
    booking = session.get(Booking, world["old_booking"])
    assert (booking.contact_name, booking.contact_phone, booking.size, booking.group_name) == ("", "", 10, "实验小学")
    assert session.get(Booking, world["kept_booking"]).contact_name == "孙老师"
    for name in ("old_answered", "old_rejected"):
        assert (session.get(Suggestion, world[name]).name, session.get(Suggestion, world[name]).phone) == ("", "")
    for name in ("old_published", "kept_answered"):  # still awaiting its answer / answered recently
        assert session.get(Suggestion, world[name]).phone == "13200132000"
    assert session.get(Volunteer, world["old_volunteer"]) is None
    assert session.get(Volunteer, world["kept_volunteer"]) is not None


def test_counts_stay(session, world):
    before = session.scalar(select(func.sum(Activity.taken))), session.scalar(select(func.count(Registration.id)))
    retention.purge(session, NOW, 365)
    session.commit()
    assert (session.scalar(select(func.sum(Activity.taken))), session.scalar(select(func.count(Registration.id)))) \
        == before
    assert session.scalar(select(func.sum(VisitSlot.taken))) == 20


def test_the_purge_is_audited_once_with_counts_and_no_personal_data(session, world):
    retention.purge(session, NOW, 365)
    session.commit()
    entry, = _purges(session)
    assert entry.after == {"registrations": 1, "bookings": 1, "suggestions": 2, "volunteers": 1, "days": 365}


def test_a_second_run_changes_nothing(session, world):
    retention.purge(session, NOW, 365)
    session.commit()
    again = retention.purge(session, NOW, 365)
    session.commit()
    assert again.total == 0
    assert session.get(Registration, world["old_reg"]).hours == 3


def test_a_dry_run_only_counts(session, world):
    counts = retention.purge(session, NOW, 365, dry_run=True)
    session.commit()
    assert counts.total == 5
    assert session.get(Registration, world["old_reg"]).name == "张三"
    assert session.get(Volunteer, world["old_volunteer"]) is not None
    assert not _purges(session)


def test_the_command_reports_and_honours_dry_run(app, runner, session, world):
    app.config["PARTICIPATION_RETENTION_DAYS"] = 1  # run now: the old rows ended long ago, the recent ones lie ahead
    dry = runner.invoke(args=["participation-purge", "--dry-run"])
    assert dry.exit_code == 0 and "Would empty" in dry.output
    session.expire_all()
    assert session.get(Registration, world["kept_reg"]).name == "李四"
    done = runner.invoke(args=["participation-purge"])
    assert done.exit_code == 0 and "Emptied" in done.output
    session.expire_all()
    assert len(_purges(session)) == 1
