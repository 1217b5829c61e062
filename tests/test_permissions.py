"""Every staff route checks permission on the server: role × route → allowed, 403 or sign-in redirect."""
import re

import pytest
from sqlalchemy import select

from app.accounts.permissions import Permission, Role, role_has
from app.audit import AuditEntry
from app.surveys.models import SurveyResponse

ROLES = ["admin", "bureau_editor", "tip_handler", "reviewer", "interviewer", "disclosure_head"]

# (url, permission needed); {user}, {place}, {bureau} are filled from the fixtures.
STAFF_ROUTES = [
    ("/admin/", Permission.STAFF_AREA),
    ("/admin/audit", Permission.AUDIT_VIEW),
    ("/admin/jobs/", Permission.JOBS_MANAGE),
    ("/admin/notifications/", Permission.JOBS_MANAGE),
    ("/admin/users/", Permission.USERS_MANAGE),
    ("/admin/users/new", Permission.USERS_MANAGE),
    ("/admin/users/{user}/edit", Permission.USERS_MANAGE),
    ("/admin/users/{user}/password", Permission.USERS_MANAGE),
    ("/admin/places", Permission.ORG_MANAGE),
    ("/admin/places/new", Permission.ORG_MANAGE),
    ("/admin/places/{place}/edit", Permission.ORG_MANAGE),
    ("/admin/bureaus", Permission.ORG_MANAGE),
    ("/admin/bureaus/new", Permission.ORG_MANAGE),
    ("/admin/bureaus/{bureau}/edit", Permission.ORG_MANAGE),
    ("/admin/indicators/", Permission.INDICATORS_EDIT),
    ("/admin/indicators/review", Permission.INDICATORS_REVIEW),
    ("/admin/indicators/board", Permission.INDICATORS_BOARD),
    ("/admin/indicators/import", Permission.INDICATORS_EDIT),
    ("/admin/indicators/import/template.xlsx", Permission.INDICATORS_EDIT),
    ("/admin/indicators/catalogues/import", Permission.INDICATORS_BOARD),
    ("/admin/indicators/catalogues/{catalogue}/assignments", Permission.INDICATORS_BOARD),
    ("/admin/indicators/catalogues/{catalogue}/assignments/template.xlsx", Permission.INDICATORS_BOARD),
    ("/admin/indicators/values/{measure}/{place}/2025", Permission.INDICATORS_EDIT),
    ("/admin/indicators/preconditions", Permission.INDICATORS_PRECONDITIONS),
    ("/admin/surveys/", Permission.SURVEYS_MANAGE),
    ("/admin/surveys/{survey}", Permission.SURVEYS_MANAGE),
    ("/admin/surveys/sections/{section}/questions", Permission.SURVEYS_MANAGE),
    ("/admin/surveys/questions/{question}", Permission.SURVEYS_MANAGE),
    ("/admin/surveys/{survey}/sample", Permission.SURVEYS_MANAGE),
    ("/admin/surveys/{survey}/invitations/1", Permission.SURVEYS_MANAGE),
    ("/admin/surveys/{survey}/results", Permission.SURVEYS_MANAGE),
    ("/admin/surveys/{survey}/export.csv", Permission.SURVEYS_MANAGE),
    ("/admin/surveys/{survey}/responses", Permission.SURVEYS_MANAGE),
    ("/admin/surveys/responses/{response}", Permission.SURVEYS_MANAGE),
    ("/admin/surveys/interviews", Permission.SURVEYS_INTERVIEW),
    ("/admin/surveys/{survey}/interview", Permission.SURVEYS_INTERVIEW),
    ("/admin/tips/", Permission.TIPS_HANDLE),
    ("/admin/tips/{tip}", Permission.TIPS_HANDLE),
    ("/admin/tips/overdue", Permission.TIPS_SUPERVISE),
    ("/admin/rectification/", Permission.RECTIFICATION_REPORT),
    ("/admin/rectification/mine", Permission.RECTIFICATION_REPORT),
    ("/admin/rectification/rounds/", Permission.RECTIFICATION_MANAGE),
    ("/admin/rectification/rounds/new", Permission.RECTIFICATION_MANAGE),
    ("/admin/rectification/import", Permission.RECTIFICATION_MANAGE),
    ("/admin/rectification/import/template.xlsx", Permission.RECTIFICATION_MANAGE),
    ("/admin/rectification/tasks/", Permission.RECTIFICATION_MANAGE),
    ("/admin/rectification/tasks/new", Permission.RECTIFICATION_MANAGE),
    ("/admin/calendar/", Permission.CALENDAR_MANAGE),
    ("/admin/calendar/import/", Permission.CALENDAR_MANAGE),
    ("/admin/open311/keys", Permission.OPEN311_MANAGE),
    ("/admin/disclosure-requests/", Permission.DISCLOSURE_HANDLE),
    ("/admin/disclosure-requests/{disclosure_request}", Permission.DISCLOSURE_HANDLE),
    ("/admin/participation/consultations/", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/consultations/new", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/suggestions/", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/suggestions/moderation", Permission.PARTICIPATION_MODERATE),
    ("/admin/notices/", Permission.NOTICES_WORK),
    ("/admin/notices/new", Permission.NOTICES_EDIT),
    ("/admin/notices/{notice}", Permission.NOTICES_WORK),
    ("/admin/notices/{notice}/edit", Permission.NOTICES_EDIT),
    ("/admin/notices/categories", Permission.NOTICES_MANAGE),
    ("/admin/notices/categories/{notice_category}", Permission.NOTICES_MANAGE),
    ("/admin/notices/disclosure", Permission.NOTICES_WORK),
    ("/admin/notices/catalogue", Permission.NOTICES_MANAGE),
    ("/admin/notices/catalogue/{disclosure_item}", Permission.NOTICES_MANAGE),
    ("/admin/environment/", Permission.ENVIRONMENT_EDIT),
    ("/admin/environment/stations/new", Permission.ENVIRONMENT_EDIT),
    ("/admin/environment/sections/new", Permission.ENVIRONMENT_EDIT),
    ("/admin/environment/sources/new", Permission.ENVIRONMENT_EDIT),
    ("/admin/environment/import", Permission.ENVIRONMENT_EDIT),
    ("/admin/environment/import/template.xlsx", Permission.ENVIRONMENT_EDIT),
    ("/admin/environment/keys", Permission.ENVIRONMENT_EDIT),
    ("/admin/participation/volunteers/", Permission.PARTICIPATION_ACTIVITIES),
    ("/admin/participation/activities/", Permission.PARTICIPATION_ACTIVITIES),
    ("/admin/participation/activities/new", Permission.PARTICIPATION_ACTIVITIES),
    ("/admin/participation/open-days/", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/open-days/new", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/open-days/reminders", Permission.PARTICIPATION_ORGANISE),
    ("/admin/rectification/reports", Permission.RECTIFICATION_MANAGE),
    ("/admin/rectification/reports/due", Permission.RECTIFICATION_REPORT),
    ("/admin/rectification/board", Permission.RECTIFICATION_MANAGE),
    ("/admin/rectification/monthly", Permission.RECTIFICATION_MANAGE),
    ("/admin/rectification/monthly.docx", Permission.RECTIFICATION_MANAGE),
    ("/admin/rectification/closures", Permission.RECTIFICATION_MANAGE),
    ("/admin/participation/organisations/", Permission.PARTICIPATION_ORGANISATIONS),
    ("/admin/participation/organisations/new", Permission.PARTICIPATION_ORGANISATIONS),
]
# POST-only staff routes: (url, permission); allowed roles reach the view (404 for the missing object).
STAFF_POST_ROUTES = [
    ("/admin/jobs/999999/retry", Permission.JOBS_MANAGE),
    ("/admin/jobs/999999/discard", Permission.JOBS_MANAGE),
    ("/admin/indicators/values/999999/approve", Permission.INDICATORS_REVIEW),
    ("/admin/indicators/preconditions/2025/999999/999999", Permission.INDICATORS_PRECONDITIONS),
    ("/admin/indicators/preconditions/2025/999999/new", Permission.INDICATORS_PRECONDITIONS),
    ("/admin/surveys/999999/state/open", Permission.SURVEYS_MANAGE),
    ("/admin/surveys/999999/indicators", Permission.SURVEYS_MANAGE),
    ("/admin/surveys/999999/sections", Permission.SURVEYS_MANAGE),
    ("/admin/surveys/999999/quotas", Permission.SURVEYS_MANAGE),
    ("/admin/surveys/questions/999999/delete", Permission.SURVEYS_MANAGE),
    ("/admin/surveys/questions/999999/options", Permission.SURVEYS_MANAGE),
    ("/admin/surveys/options/999999", Permission.SURVEYS_MANAGE),
    ("/admin/tips/999999/step/accept", Permission.TIPS_HANDLE),
    ("/admin/tips/999999/extension", Permission.TIPS_HANDLE),
    ("/admin/tips/999999/extension/approve", Permission.TIPS_HANDLE),
    ("/admin/tips/999999/reporter", Permission.TIPS_HANDLE),
    ("/admin/tips/photos/999999/clear", Permission.TIPS_HANDLE),
    ("/admin/tips/999999/merge", Permission.TIPS_HANDLE),
    ("/admin/tips/999999/reward", Permission.TIPS_HANDLE),
    ("/admin/tips/999999/exposure", Permission.TIPS_HANDLE),
    ("/admin/tips/999999/exposure/withdraw", Permission.TIPS_HANDLE),
    ("/admin/tips/999999/escalate", Permission.TIPS_SUPERVISE),
    ("/admin/rectification/rounds/999999/publish", Permission.RECTIFICATION_MANAGE),
    ("/admin/calendar/2000-01-01/delete", Permission.CALENDAR_MANAGE),
    ("/admin/open311/keys/999999/revoke", Permission.OPEN311_MANAGE),
    ("/admin/disclosure-requests/999999/step/register", Permission.DISCLOSURE_HANDLE),
    ("/admin/disclosure-requests/999999/applicant", Permission.DISCLOSURE_HANDLE),
    ("/admin/disclosure-requests/999999/appeals", Permission.DISCLOSURE_HANDLE),
    ("/admin/disclosure-requests/appeals/999999", Permission.DISCLOSURE_HANDLE),
    ("/admin/notices/999999/step/submit", Permission.NOTICES_WORK),
    ("/admin/notices/999999/attachments", Permission.NOTICES_EDIT),
    ("/admin/notices/attachments/999999/delete", Permission.NOTICES_EDIT),
    ("/admin/notices/changes/999999/approve", Permission.NOTICES_WORK),
    ("/admin/open311/comments/999999", Permission.TIPS_HANDLE),
    ("/admin/environment/stations/999999/deactivate", Permission.ENVIRONMENT_EDIT),
    ("/admin/environment/sections/999999/deactivate", Permission.ENVIRONMENT_EDIT),
    ("/admin/environment/sources/999999/deactivate", Permission.ENVIRONMENT_EDIT),
    ("/admin/environment/keys/999999/revoke", Permission.ENVIRONMENT_EDIT),
    ("/admin/participation/volunteers/999999/phone", Permission.PARTICIPATION_ACTIVITIES),
    ("/admin/participation/volunteers/registrations/999999/hours", Permission.PARTICIPATION_ACTIVITIES),
    ("/admin/participation/activities/999999/publish", Permission.PARTICIPATION_ACTIVITIES),
    ("/admin/participation/activities/999999/cancel", Permission.PARTICIPATION_ACTIVITIES),
    ("/admin/participation/activities/999999/photos", Permission.PARTICIPATION_ACTIVITIES),
    ("/admin/participation/activities/photos/999999/clear", Permission.PARTICIPATION_ACTIVITIES),
    ("/admin/participation/activities/999999/check-in/999999", Permission.PARTICIPATION_ACTIVITIES),
    ("/admin/participation/activities/999999/check-in/code", Permission.PARTICIPATION_ACTIVITIES),
    ("/admin/participation/volunteers/999999/phone", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/volunteers/registrations/999999/hours", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/activities/999999/publish", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/activities/999999/cancel", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/activities/999999/photos", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/activities/photos/999999/clear", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/activities/999999/check-in/999999", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/activities/999999/check-in/999999/undo", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/activities/999999/check-in/code", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/open-days/999999/deactivate", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/open-days/slots/999999/cancel", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/open-days/bookings/999999/reminded", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/consultations/999999/publish", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/consultations/999999/close", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/suggestions/999999/publish", Permission.PARTICIPATION_MODERATE),
    ("/admin/participation/suggestions/999999/reject", Permission.PARTICIPATION_MODERATE),
    ("/admin/participation/suggestions/999999/answer", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/suggestions/999999/contact", Permission.PARTICIPATION_ORGANISE),
    ("/admin/rectification/tasks/999999/reports", Permission.RECTIFICATION_REPORT),
    ("/admin/rectification/reports/999999/accept", Permission.RECTIFICATION_REPORT),
    ("/admin/rectification/evidence/999999/withhold", Permission.RECTIFICATION_REPORT),
    ("/admin/rectification/tasks/999999/urge", Permission.RECTIFICATION_MANAGE),
    ("/admin/rectification/tasks/999999/closure/step/accept", Permission.RECTIFICATION_REPORT),
    ("/admin/rectification/tasks/999999/closure/acceptances", Permission.RECTIFICATION_MANAGE),
    ("/admin/rectification/tasks/999999/closure/evidence/999999/clear", Permission.RECTIFICATION_MANAGE),
    ("/admin/rectification/objections/999999/answer", Permission.RECTIFICATION_MANAGE),
    ("/admin/rectification/objections/999999/contact", Permission.RECTIFICATION_MANAGE),
    ("/admin/participation/organisations/999999/suspend", Permission.PARTICIPATION_ORGANISATIONS),
    ("/admin/participation/organisations/999999/reinstate", Permission.PARTICIPATION_ORGANISATIONS),
    ("/admin/rectification/tasks/MISSING/tips", Permission.RECTIFICATION_MANAGE),
    ("/admin/rectification/tasks/MISSING/tips/999999/unlink", Permission.RECTIFICATION_MANAGE),
]
# GET routes answered with 404 for a missing object once the permission is granted.
STAFF_GET_MISSING_ROUTES = [
    ("/admin/jobs/999999", Permission.STAFF_AREA),
    ("/admin/jobs/999999/download", Permission.STAFF_AREA),
    ("/admin/disclosure-requests/documents/999999", Permission.DISCLOSURE_HANDLE),
    ("/admin/rectification/rounds/999999/edit", Permission.RECTIFICATION_MANAGE),
    ("/admin/rectification/tasks/999999", Permission.RECTIFICATION_REPORT),
    ("/admin/rectification/tasks/999999/edit", Permission.RECTIFICATION_MANAGE),
    ("/admin/environment/stations/999999", Permission.ENVIRONMENT_EDIT),
    ("/admin/environment/stations/999999/edit", Permission.ENVIRONMENT_EDIT),
    ("/admin/environment/sections/999999", Permission.ENVIRONMENT_EDIT),
    ("/admin/environment/sections/999999/edit", Permission.ENVIRONMENT_EDIT),
    ("/admin/environment/sources/999999", Permission.ENVIRONMENT_EDIT),
    ("/admin/environment/sources/999999/edit", Permission.ENVIRONMENT_EDIT),
    ("/admin/participation/volunteers/activities/999999", Permission.PARTICIPATION_ACTIVITIES),
    ("/admin/participation/activities/999999", Permission.PARTICIPATION_ACTIVITIES),
    ("/admin/participation/activities/999999/edit", Permission.PARTICIPATION_ACTIVITIES),
    ("/admin/participation/activities/999999/close", Permission.PARTICIPATION_ACTIVITIES),
    ("/admin/participation/activities/999999/check-in", Permission.PARTICIPATION_ACTIVITIES),
    ("/admin/participation/open-days/999999", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/open-days/999999/edit", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/open-days/999999/days/new", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/open-days/slots/999999/visit", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/consultations/999999", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/consultations/999999/edit", Permission.PARTICIPATION_ORGANISE),
    ("/admin/participation/suggestions/999999", Permission.PARTICIPATION_ORGANISE),
    ("/admin/rectification/tasks/999999/reports", Permission.RECTIFICATION_REPORT),
    ("/admin/rectification/evidence/999999", Permission.RECTIFICATION_REPORT),
    ("/admin/rectification/tasks/999999/closure", Permission.RECTIFICATION_REPORT),
    ("/admin/rectification/tasks/999999/closure/evidence/999999", Permission.RECTIFICATION_REPORT),
    ("/admin/participation/organisations/999999", Permission.PARTICIPATION_ORGANISATIONS),
    ("/admin/participation/organisations/999999/edit", Permission.PARTICIPATION_ORGANISATIONS),
    ("/admin/rectification/tasks/MISSING/tips", Permission.RECTIFICATION_MANAGE),
]
# Path segments that stand for a route variable other than an id.
VARIABLE_SEGMENTS = {"/approve": "/<>", "/state/open": "/state/<>", "export.csv": "export.<>",
                     "/step/accept": "/step/<>",
                     "/step/register": "/step/<>", "/step/submit": "/step/<>",
                     "/extension/approve": "/extension/<>", "/clear": "/<>", "2000-01-01": "<>",
                     "/reports/999999/accept": "/reports/<>/<>", "/evidence/999999/withhold": "/evidence/<>/<>",
                     "/tasks/MISSING/": "/tasks/<>/"}


@pytest.fixture
def targets(session, staff):
    from tests import factories

    place = factories.place(session)
    catalogue = factories.catalogue(session, lead_bureau=staff["bureaus"]["home"])
    session.commit()
    measure = catalogue.domains[1].task_groups[0].indicators[0].measures[0]
    survey = factories.survey(session, staff["admin"], responses=1, invitations=2)
    session.commit()
    question = survey.sections[0].questions[0]
    response_id = session.scalar(select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id))
    tip = factories.tip(session, bureau_=staff["bureaus"]["home"], district=place)
    disclosure_request = factories.disclosure_request(session, bureau_=staff["bureaus"]["home"])
    session.commit()
    notice = factories.notice(session, staff["admin"], staff["bureaus"]["home"])
    item = factories.disclosure_item(session, staff["admin"], staff["bureaus"]["home"])
    session.commit()
    return {"notice": notice.id, "notice_category": notice.category_id, "disclosure_item": item.id,
            "user": staff["reviewer"].id, "place": place.id, "bureau": staff["bureaus"]["home"].id,
            "measure": measure.id, "catalogue": catalogue.id, "survey": survey.id,
            "section": survey.sections[0].id, "question": question.id, "response": response_id, "tip": tip.id,
            "disclosure_request": disclosure_request.id}


def test_every_staff_route_is_in_the_matrix(app):
    guarded = {re.sub(r"<[^>]+>", "<>", rule.rule) for rule in app.url_map.iter_rules()
               if hasattr(app.view_functions[rule.endpoint], "required_permission")}
    listed = set()
    for url, _ in STAFF_ROUTES + STAFF_POST_ROUTES + STAFF_GET_MISSING_ROUTES:
        for segment, variable in VARIABLE_SEGMENTS.items():
            url = url.replace(segment, variable)
        listed.add(re.sub(r"\{[a-z_]+\}|\b\d+\b", "<>", url))
    assert guarded == listed
    unguarded_admin = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin")
                       and not hasattr(app.view_functions[rule.endpoint], "required_permission")}
    assert unguarded_admin == set()


def _check_every_route(routes, answer) -> None:
    """Fail listing every route whose answer differs from the expected one (`answer` gives both)."""
    wrong = [f"{url}: {got} (expected {expected})" for url, got, expected in (answer(url, permission)
                                                                           for url, permission in routes)
             if got != expected]
    assert not wrong, f"{len(wrong)} of {len(routes)} routes answered otherwise:\n" + "\n".join(wrong)


# One test per role walks every route (signed in once, one set of objects): a test per role and route made the
# same fixtures 1,200 times and was a third of the suite's time.
@pytest.mark.parametrize("role", ROLES)
def test_role_route_matrix(client, auth, session, staff, targets, role):
    auth.login(staff[role].username)

    def answer(url, permission):
        allowed = role_has(Role(role), permission)
        denials_before = _denials(session, staff[role])
        status = client.get(url.format(**targets)).status_code
        if not allowed and status == 403 and _denials(session, staff[role]) != denials_before + 1:
            return url, "403 without an access.denied audit entry", 403
        return url, status, 200 if allowed else 403
    _check_every_route(STAFF_ROUTES, answer)


def _denials(session, user) -> int:
    session.expire_all()
    return len(session.scalars(select(AuditEntry.id).where(AuditEntry.action == "access.denied",
                                                           AuditEntry.actor_id == user.id)).all())


def test_anonymous_users_are_sent_to_sign_in(client, targets):
    def answer(url, permission):
        response = client.get(url.format(**targets))
        signed_out = response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
        return url, "sign-in redirect" if signed_out else response.status_code, "sign-in redirect"
    _check_every_route(STAFF_ROUTES, answer)


@pytest.mark.parametrize("url", ["/admin/users/new", "/admin/places/new", "/admin/bureaus/new"])
def test_forbidden_roles_cannot_post_either(client, auth, csrf, staff, url):
    auth.login("editor")
    token = csrf.token(client)
    response = client.post(url, data={"csrf_token": token, "code": "x", "username": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_role_post_route_matrix(client, auth, csrf, staff, role):
    auth.login(staff[role].username)
    token = csrf.token(client)

    def answer(url, permission):
        return url, client.post(url, data={"csrf_token": token}).status_code, \
            404 if role_has(Role(role), permission) else 403
    _check_every_route(STAFF_POST_ROUTES, answer)


@pytest.mark.parametrize("role", ROLES)
def test_role_get_missing_route_matrix(client, auth, staff, role):
    auth.login(staff[role].username)

    def answer(url, permission):
        return url, client.get(url).status_code, 404 if role_has(Role(role), permission) else 403
    _check_every_route(STAFF_GET_MISSING_ROUTES, answer)
