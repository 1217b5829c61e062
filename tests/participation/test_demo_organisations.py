"""The demo's registered organisations: each with an organiser's account that signs in with the password the demo
hands back (saved with the other demo accounts), and activities of its own — one held with confirmed hours, one
open for sign-up — all marked as demo data; loading twice adds nothing."""
from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.permissions import Role
from app.audit import AuditEntry
from app.demo import participation as demo
from app.extensions import db
from app.i18n import local_today, site_zone
from app.participation.models import Activity, ActivityState, Organisation, OrganisationState, Registration
from tests.participation.test_demo_participation import KEY, demo_city


def _load(session, admin) -> dict:
    demo.load(session, admin, KEY, today=local_today(), zone=site_zone())
    created = demo.load_organisations(session, admin, KEY, today=local_today(), zone=site_zone())
    session.commit()
    return created


def test_the_demo_organisations_run_their_own_activities_and_load_once(app, session):
    admin = demo_city(session)
    created = _load(session, admin)
    assert created["participation_organisations"] == len(demo.ORGANISATIONS) == 2
    assert set(created["organisation_users"]) == {"org-volunteers", "org-greenhome"}
    orgs = session.scalars(select(Organisation)).all()
    assert {o.state for o in orgs} == {OrganisationState.APPROVED} and all(o.name_en for o in orgs)
    for organisation in orgs:
        organiser = session.scalar(select(User).where(User.organisation_id == organisation.id))
        assert organiser.role == Role.ORGANISATION_ORGANISER
        runs = session.scalars(select(Activity).where(Activity.organisation_id == organisation.id)).all()
        assert {a.state for a in runs} == {ActivityState.CLOSED, ActivityState.PUBLISHED}
        assert all(a.bureau_id is None and demo.DEMO in a.description_zh_hans for a in runs)
        assert all(a.created_by_id == organiser.id for a in runs)
        hours = session.scalar(select(func.sum(Registration.hours)).join(Registration.activity).where(
            Activity.organisation_id == organisation.id, Registration.hours_confirmed_by_id == organiser.id))
        assert hours > 0
    counted = session.scalar(select(func.count()).select_from(Activity))
    again = demo.load_organisations(session, admin, KEY, today=local_today(), zone=site_zone())
    assert again == {"participation_organisations": 0, "organisation_users": {}}
    assert session.scalar(select(func.count()).select_from(Activity)) == counted


def test_a_demo_organiser_signs_in_with_the_password_handed_back(app, session, client, auth):
    created = _load(session, demo_city(session))
    db.session.remove()
    response = auth.login("org-volunteers", created["organisation_users"]["org-volunteers"])
    assert response.status_code in (302, 303)
    listed = client.get("/admin/participation/activities/?lang=en").get_data(as_text=True)
    assert "青年志愿者云溪河净滩" in listed and "社区垃圾分类入户宣传" not in listed
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "organisations.register")) == 2
