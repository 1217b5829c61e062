"""Registered organisations: the office registers, changes, suspends and reinstates them (nobody else), their
organisers organise only their organisation's activities and see only those volunteers, and a suspended
organisation's activities cannot be created, changed or published. The database keeps an activity to one
organiser and an account to one bureau or organisation."""
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from app.accounts import services as accounts
from app.accounts.permissions import Role
from app.audit import AuditEntry
from app.errors import ActionRefused, NotPermitted, StepNotAllowed
from app.org.models import PlaceLevel
from app.participation import activities, organisations, volunteers
from app.participation.models import Activity, ActivityState, OrganisationState, Registration
from app.participation.organisations import OrganisationInput, credit_code_valid
from tests import factories
from tests.participation import volunteer_fixtures
from tests.participation.activity_fixtures import NOW, activity
from tests.participation.organisation_fixtures import organisation, organiser


def _actions(session, action):
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.fixture
def org(session, staff):
    """An organisation with its organiser, a second organisation with its own, and the staff set."""
    first = organisation(session, staff["admin"], name_zh_hans="云溪市青年志愿者协会")
    second = organisation(session, staff["admin"], name_zh_hans="东湖区绿色家园环保促进会", kind="social")
    users = {"mine": organiser(session, first, username="youth"), "theirs": organiser(session, second)}
    session.commit()
    return {"first": first, "second": second, **users}


def _input(target: Activity, **values) -> activities.ActivityInput:
    data = dict(kind="talk", title_zh_hans="宣讲", venue_zh_hans="社区", bureau_id=target.bureau_id,
                organisation_id=target.organisation_id, place_id=target.place_id, starts_at=target.starts_at,
                ends_at=target.ends_at, signup_opens_at=target.signup_opens_at,
                signup_closes_at=target.signup_closes_at, capacity=10)
    data.update(values)
    return activities.ActivityInput(**data)


def _org_activity(session, org_, **values) -> Activity:
    """An activity of the organisation (the fixtures' activity, run by it instead of a bureau)."""
    return activity(session, org_, organisation_id=org_.id, bureau_id=None, **values)


# --- the office's register ------------------------------------------------------------------------------------

def test_the_office_registers_an_organisation_audited_without_its_contact(session, staff):
    place = factories.place(session)
    row = organisations.register_organisation(session, staff["admin"], OrganisationInput(
        kind="school", name_zh_hans=" 云溪实验小学 ", name_en="Yunxi Experimental Primary School", place_id=place.id,
        credit_code="91350100m000100y43", contact_name="陈老师", contact_phone="027-8888 6666",
        contact_email="office@example.org"))
    assert row.state == OrganisationState.APPROVED and row.name_zh_hans == "云溪实验小学"
    assert row.credit_code == "91350100M000100Y43" and row.contact_phone == "027-8888 6666"
    entry, = _actions(session, "organisations.register")
    assert entry.actor_id == staff["admin"].id and entry.after["kind"] == "school"
    assert "陈老师" not in str(entry.after) and "8888" not in str(entry.after)


@pytest.mark.parametrize("change, field", [
    ({"name_zh_hans": ""}, "name_zh_hans"),
    ({"name_zh_hans": "云溪市青年志愿者协会"}, "name_zh_hans"),
    ({"kind": "church"}, "kind"),
    ({"place_id": 0}, "place_id"),
    ({"credit_code": "91350100M000100Y44"}, "credit_code"),
    ({"contact_name": " "}, "contact_name"),
    ({"contact_phone": "call me"}, "contact_phone"),
    ({"contact_email": "not-an-address"}, "contact_email"),
])
def test_bad_input_is_refused_beside_its_field_and_nothing_is_kept(session, staff, org, change, field):
    data = dict(kind="volunteer", name_zh_hans="新协会", place_id=org["first"].place_id, contact_name="王",
                contact_phone="13800000080")
    data.update(change)
    with pytest.raises(organisations.OrganisationError) as refused:
        organisations.register_organisation(session, staff["admin"], OrganisationInput(**data))
    assert refused.value.field == field
    assert len(organisations.all_organisations(session)) == 2


def test_the_city_is_not_a_district_to_be_based_in(session, staff):
    city = factories.place(session, level=PlaceLevel.CITY)
    with pytest.raises(organisations.OrganisationError) as refused:
        organisations.register_organisation(session, staff["admin"], OrganisationInput(
            kind="other", name_zh_hans="某协会", place_id=city.id, contact_name="王", contact_phone="13800000080"))
    assert refused.value.field == "place_id"


def test_a_name_differing_in_letter_case_only_is_the_same_name(session, staff, org):
    org["first"].name_zh_hans = "Green Yunxi 协会"
    session.flush()
    with pytest.raises(organisations.OrganisationError, match="registered already"):
        organisation(session, staff["admin"], name_zh_hans="green yunxi 协会")


def test_an_organisation_keeps_its_own_name_when_changed(session, staff, org):
    data = OrganisationInput(kind="social", name_zh_hans=org["first"].name_zh_hans, name_en="Yunxi Youth Volunteers",
                             place_id=org["first"].place_id, contact_name="周晓梅", contact_phone="13800000081")
    organisations.update_organisation(session, staff["admin"], org["first"], data)
    assert org["first"].kind.value == "social" and org["first"].contact_phone == "13800000081"
    entry, = _actions(session, "organisations.update")
    assert entry.before["kind"] == "volunteer" and entry.after["kind"] == "social"


@pytest.mark.parametrize("code, valid", [
    ("91350100M000100Y43", True), ("91110000600037341L", True), ("91350100M000100Y44", False),
    ("9135010OM000100Y43", False), ("91350100M000100Y4", False), ("", False), ("91350100M000100Y43X", False),
])
def test_the_credit_code_check_character(code, valid):
    assert credit_code_valid(code) is valid


@pytest.mark.parametrize("who", ["bureau_editor", "reviewer", "mine"])
def test_only_the_office_registers_changes_and_suspends(session, staff, org, who):
    actor = org[who] if who == "mine" else staff[who]
    data = OrganisationInput(kind="volunteer", name_zh_hans="另一协会", place_id=org["first"].place_id,
                             contact_name="王", contact_phone="13800000080")
    with pytest.raises(NotPermitted):
        organisations.register_organisation(session, actor, data)
    with pytest.raises(NotPermitted):
        organisations.update_organisation(session, actor, org["first"], replace(data, name_zh_hans="改名"))
    with pytest.raises(NotPermitted):
        organisations.suspend_organisation(session, actor, org["first"], "不再活动")
    assert org["first"].state == OrganisationState.APPROVED and org["first"].name_zh_hans == "云溪市青年志愿者协会"


def test_a_suspension_needs_a_reason_and_a_reinstatement_clears_it(session, staff, org):
    with pytest.raises(ActionRefused) as refused:
        organisations.suspend_organisation(session, staff["admin"], org["first"], "  ")
    assert refused.value.field == "reason" and org["first"].state == OrganisationState.APPROVED
    organisations.suspend_organisation(session, staff["admin"], org["first"], "年检未通过")
    assert org["first"].suspended and org["first"].suspend_reason == "年检未通过"
    with pytest.raises(StepNotAllowed):
        organisations.suspend_organisation(session, staff["admin"], org["first"], "再次")
    organisations.reinstate_organisation(session, staff["admin"], org["first"])
    assert org["first"].state == OrganisationState.APPROVED and org["first"].suspend_reason == ""
    with pytest.raises(StepNotAllowed):
        organisations.reinstate_organisation(session, staff["admin"], org["first"])
    suspended, = _actions(session, "organisations.suspend")
    assert suspended.before["state"] == "approved" and suspended.after["state"] == "suspended"
    assert suspended.note == "年检未通过" and len(_actions(session, "organisations.reinstate")) == 1


def test_the_workflow_has_handlers_only_for_its_steps():
    organisations.ORGANISATION_WORKFLOW.check()


# --- accounts -----------------------------------------------------------------------------------------------------

def test_an_organisers_account_needs_its_organisation(session, org):
    with pytest.raises(accounts.AccountError) as refused:
        accounts.create_user(session, None, username="lonely", display_name="x", password=factories.PASSWORD,
                             role=Role.ORGANISATION_ORGANISER)
    assert refused.value.field == "organisation_id"


def test_other_roles_drop_an_organisation_given_to_them(session, staff, org):
    editor = accounts.create_user(session, None, username="ed", display_name="x", password=factories.PASSWORD,
                                  role=Role.BUREAU_EDITOR, bureau=staff["bureaus"]["home"], organisation=org["first"])
    assert editor.organisation_id is None and editor.bureau_id == staff["bureaus"]["home"].id
    accounts.update_user(session, staff["admin"], org["mine"], display_name="组织者", email=None, role="reviewer",
                         bureau=None, active=True, organisation=org["first"])
    assert org["mine"].organisation_id is None


def test_the_database_keeps_an_account_to_one_bureau_or_organisation(session, staff, org):
    with pytest.raises(IntegrityError):
        session.execute(text("UPDATE users SET organisation_id = NULL WHERE id = :id"), {"id": org["mine"].id})
    session.rollback()
    with pytest.raises(IntegrityError):
        session.execute(text("UPDATE users SET bureau_id = :b WHERE id = :id"),
                        {"b": staff["bureaus"]["home"].id, "id": org["mine"].id})
    session.rollback()


def test_the_database_keeps_an_activity_to_one_organiser(session, staff, org):
    own = _org_activity(session, org["first"])
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(text("UPDATE activities SET bureau_id = :b WHERE id = :id"),
                        {"b": staff["bureaus"]["home"].id, "id": own.id})
    session.rollback()
    with pytest.raises(IntegrityError):
        session.execute(text("UPDATE activities SET organisation_id = NULL WHERE id = :id"), {"id": own.id})
    session.rollback()


# --- organising -----------------------------------------------------------------------------------------------------

def test_an_organiser_creates_and_publishes_their_organisations_activity(session, staff, org):
    template = _org_activity(session, org["first"], state=ActivityState.DRAFT)
    created = activities.create_activity(session, org["mine"], _input(template, organiser_name="别的名字"))
    assert created.organisation_id == org["first"].id and created.bureau_id is None
    assert created.organiser_name == ""  # the organisation runs it itself: no partner named
    assert created.organiser == org["first"].name
    activities.publish_activity(session, org["mine"], created, now=NOW)
    assert created.state == ActivityState.PUBLISHED
    entry, = _actions(session, "activities.publish")
    assert entry.actor_id == org["mine"].id and entry.after["organisation_id"] == org["first"].id


@pytest.mark.parametrize("runner", ["bureau", "other organisation", "neither"])
def test_an_organiser_creates_nothing_for_another_runner(session, staff, org, runner):
    template = _org_activity(session, org["first"])
    values = {"bureau": dict(bureau_id=staff["bureaus"]["home"].id, organisation_id=None),
              "other organisation": dict(organisation_id=org["second"].id),
              "neither": dict(organisation_id=None)}[runner]
    with pytest.raises(NotPermitted):
        activities.create_activity(session, org["mine"], _input(template, **values))


def test_a_bureau_editor_creates_nothing_for_an_organisation(session, staff, org):
    template = _org_activity(session, org["first"])
    with pytest.raises(NotPermitted):
        activities.create_activity(session, staff["bureau_editor"], _input(template))


@pytest.mark.parametrize("both", [True, False])
def test_the_office_chooses_a_bureau_or_an_organisation_not_both_nor_neither(session, staff, org, both):
    template = _org_activity(session, org["first"])
    data = _input(template, bureau_id=staff["bureaus"]["home"].id if both else None)
    if not both:
        data.organisation_id = None
    with pytest.raises(activities.ActivityError) as refused:
        activities.create_activity(session, staff["admin"], data)
    assert refused.value.field == "bureau_id"


@pytest.mark.parametrize("owner", ["bureau", "other organisation"])
def test_an_organiser_acts_on_no_one_elses_activity(session, staff, org, owner):
    if owner == "bureau":
        target = activity(session, staff["bureaus"]["home"], state=ActivityState.DRAFT)
    else:
        target = _org_activity(session, org["second"], state=ActivityState.DRAFT)
    sign_up = Registration(activity_id=target.id, state="confirmed", name="李四", phone="13900000001",
                           phone_digest="x" * 64, group_size=1, code_digest="y" * 64)
    session.add(sign_up)
    session.flush()
    assert not activities.can_organise(org["mine"], target)
    for attempt in (lambda: activities.publish_activity(session, org["mine"], target, now=NOW),
                    lambda: activities.update_activity(session, org["mine"], target, _input(target)),
                    lambda: activities.check_in(session, org["mine"], sign_up),
                    lambda: activities.confirmed_people(session, org["mine"], target)):
        with pytest.raises(NotPermitted):
            attempt()
    assert target.state == ActivityState.DRAFT


def test_a_bureau_editor_acts_on_no_organisations_activity(session, staff, org):
    target = _org_activity(session, org["first"], state=ActivityState.DRAFT)
    assert not activities.can_organise(staff["bureau_editor"], target)
    assert activities.can_organise(staff["admin"], target)
    with pytest.raises(NotPermitted):
        activities.publish_activity(session, staff["bureau_editor"], target, now=NOW)


# --- suspended ------------------------------------------------------------------------------------------------------

def test_a_suspended_organisation_creates_changes_and_publishes_nothing(session, staff, org):
    draft = _org_activity(session, org["first"], state=ActivityState.DRAFT)
    organisations.suspend_organisation(session, staff["admin"], org["first"], "年检未通过")
    with pytest.raises(NotPermitted, match="suspended"):
        activities.publish_activity(session, org["mine"], draft, now=NOW)
    with pytest.raises(NotPermitted, match="suspended"):
        activities.publish_activity(session, staff["admin"], draft, now=NOW)
    with pytest.raises(NotPermitted, match="suspended"):
        activities.create_activity(session, org["mine"], _input(draft))
    with pytest.raises(NotPermitted, match="suspended"):
        activities.update_activity(session, org["mine"], draft, _input(draft, title_zh_hans="改名"))
    assert draft.state == ActivityState.DRAFT and draft.title_zh_hans != "改名"
    organisations.reinstate_organisation(session, staff["admin"], org["first"])
    activities.publish_activity(session, org["mine"], draft, now=NOW)
    assert draft.state == ActivityState.PUBLISHED


def test_what_a_suspended_organisation_published_goes_on(session, staff, org):
    """Check-in, the closing record and the hours stay possible: the people signed up keep their record."""
    held = volunteer_fixtures.activity(session, org["first"], organisation_id=org["first"].id, bureau_id=None,
                                       hours=3.0)
    volunteer = volunteer_fixtures.registration(session, held)
    waiting = volunteer_fixtures.registration(session, held, phone="13800138001",
                                              state="confirmed", enrol=False)
    organisations.suspend_organisation(session, staff["admin"], org["first"], "年检未通过")
    activities.check_in(session, org["mine"], waiting)
    assert volunteers.confirm_hours(session, org["mine"], volunteer, 3) == "confirmed"
    activities.close_activity(session, org["mine"], held, attendance=2, summary_zh_hans="完成")
    assert held.state == ActivityState.CLOSED


# --- volunteers -----------------------------------------------------------------------------------------------------

def test_organisers_see_and_confirm_only_their_own_volunteers(session, staff, org):
    own = volunteer_fixtures.activity(session, org["first"], organisation_id=org["first"].id, bureau_id=None)
    theirs = volunteer_fixtures.activity(session, org["second"], organisation_id=org["second"].id, bureau_id=None)
    bureau = volunteer_fixtures.activity(session, staff["bureaus"]["home"])
    mine = volunteer_fixtures.registration(session, own, phone="13800138011")
    other = volunteer_fixtures.registration(session, theirs, phone="13800138012")
    bureaus = volunteer_fixtures.registration(session, bureau, phone="13800138013")
    volunteers.confirm_hours(session, org["mine"], mine, 2)
    for registration in (other, bureaus):
        with pytest.raises(NotPermitted):
            volunteers.confirm_hours(session, org["mine"], registration, 2)
    with pytest.raises(NotPermitted):
        volunteers.confirm_hours(session, staff["bureau_editor"], mine, 2)
    seen = [row.volunteer.id for row in volunteers.volunteers_for(session, org["mine"])(limit=10, offset=0)]
    assert seen == [mine.volunteer_id]
    assert not volunteers.sees_all(org["mine"]) and volunteers.sees_all(staff["admin"])
    assert volunteers.visible_volunteer(session, org["mine"], mine.volunteer_id) is not None
    with pytest.raises(NotPermitted):
        volunteers.visible_volunteer(session, org["mine"], other.volunteer_id)
    editor_sees = [row.volunteer.id for row in volunteers.volunteers_for(session, staff["bureau_editor"])(
        limit=10, offset=0)]
    assert editor_sees == [bureaus.volunteer_id]


def test_the_volunteers_record_names_the_organisation_as_organiser(session, staff, org):
    held = volunteer_fixtures.activity(session, org["first"], organisation_id=org["first"].id, bureau_id=None,
                                       starts_at=NOW - timedelta(days=30))
    registration = volunteer_fixtures.registration(session, held)
    volunteers.confirm_hours(session, org["mine"], registration, 2.5)
    year, = volunteers.service_record(session, registration.volunteer_id)
    assert year.organisers == [org["first"].name] and year.total == 2.5
