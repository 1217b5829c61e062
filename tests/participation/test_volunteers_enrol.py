"""Enrolling a sign-up as a volunteer: one record per phone number, however it was typed."""
from sqlalchemy import func, select

from app.casework import codes
from app.participation import volunteers
from app.participation.models import Volunteer
from tests import factories
from tests.participation.volunteer_fixtures import KEY, activity, registration


def test_normalise_phone_drops_country_prefix_spaces_and_dashes():
    assert volunteers.normalise_phone("+86 138-0013 8000") == "13800138000"
    assert volunteers.normalise_phone("0086 13800138000") == "13800138000"
    assert volunteers.normalise_phone("8613800138000") == "13800138000"
    assert volunteers.normalise_phone("027-8888 6666") == "02788886666"
    assert volunteers.normalise_phone(None) == ""


def test_enrol_creates_a_volunteer_and_returns_a_code_once(app, session):
    home = factories.bureau(session)
    reg = registration(session, activity(session, home), enrol=False, name=" 李四 ")
    code = volunteers.enrol(session, reg)
    assert code
    volunteer = session.get(Volunteer, reg.volunteer_id)
    assert volunteer.name == "李四" and volunteer.phone == "13800138000"
    assert codes.same(volunteer.code_digest, codes.digest(code, KEY))
    assert volunteer.phone_digest == volunteers.phone_digest("13800138000", KEY)


def test_enrol_finds_an_existing_volunteer_by_a_differently_typed_phone(app, session):
    home = factories.bureau(session)
    first = registration(session, activity(session, home), phone="13800138000")
    before = session.get(Volunteer, first.volunteer_id).last_active_at
    again = registration(session, activity(session, home), phone="+86 138-0013-8000", enrol=False)
    assert volunteers.enrol(session, again) is None
    assert again.volunteer_id == first.volunteer_id
    assert session.scalar(select(func.count()).select_from(Volunteer)) == 1
    assert session.get(Volunteer, first.volunteer_id).last_active_at >= before


def test_enrol_gives_another_phone_its_own_volunteer(app, session):
    home = factories.bureau(session)
    one = registration(session, activity(session, home), phone="13800138000")
    two = registration(session, activity(session, home), phone="13900139000")
    assert one.volunteer_id != two.volunteer_id
