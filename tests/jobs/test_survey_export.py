"""A survey export above SURVEY_EXPORT_BACKGROUND_ABOVE runs as a job: the request queues it, the job page shows its
progress (htmx polling, a refresh link without JavaScript) and then the download link, and the file is the export
the direct download gives. Only the person who asked downloads it; small exports stay direct."""
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit import AuditEntry
from app.jobs.models import Job, JobState
from app.surveys import exports
from tests import factories


@pytest.fixture
def survey(app, session, staff):
    app.config["SURVEY_EXPORT_BACKGROUND_ABOVE"] = 3
    created = factories.survey(session, staff["admin"], responses=5)
    session.commit()
    return created


def _expected_csv(session, survey) -> bytes:
    return b"".join(exports.csv_chunks(session, survey))


def _actions(session):
    return [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def _request(client, csrf, survey, fmt="csv"):
    page = client.get(f"/admin/surveys/{survey.id}/export.{fmt}?lang=en")
    assert page.status_code == 200 and "This survey has 5 responses." in page.get_data(as_text=True)
    token = csrf.token(client, f"/admin/surveys/{survey.id}/export.{fmt}")
    response = client.post(f"/admin/surveys/{survey.id}/export.{fmt}?lang=en", data={"csrf_token": token})
    assert response.status_code == 303
    location = response.headers["Location"]
    job_id = int(re.search(r"/admin/jobs/(\d+)", location).group(1))
    return job_id, location


def test_a_large_export_runs_in_the_background_and_downloads_when_done(client, auth, csrf, session, survey,
                                                                        settle):
    auth.login("admin")
    job_id, location = _request(client, csrf, survey)
    settle()
    job = session.get(Job, job_id)
    assert job.state == JobState.DONE and job.args == {"survey_id": survey.id, "fmt": "csv"}
    assert (job.progress_done, job.progress_total) == (5, 5) and job.result == {"responses": 5}
    page = client.get(location).get_data(as_text=True)
    assert "Download survey-" in page and f"/admin/jobs/{job_id}/download" in page
    assert f'href="/admin/surveys/{survey.id}/results"' in page  # back to where the export was asked for
    fragment = client.get(location, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and 'id="job-status"' in fragment and "hx-trigger" not in fragment
    download = client.get(f"/admin/jobs/{job_id}/download")
    assert download.status_code == 200 and download.get_data() == _expected_csv(session, survey)
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert download.headers["Cache-Control"] == "private, no-store"
    assert f'filename=survey-{survey.id}-responses.csv' in download.headers["Content-Disposition"]
    assert "surveys.export_requested" in _actions(session) and "jobs.download" in _actions(session)


def test_an_xlsx_export_as_a_job_opens_as_a_workbook(client, auth, csrf, session, survey, settle):
    auth.login("admin")
    job_id, _ = _request(client, csrf, survey, "xlsx")
    settle()
    body = client.get(f"/admin/jobs/{job_id}/download").get_data()
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows(values_only=True))) == 6


def test_while_the_job_waits_its_page_polls_and_offers_a_refresh_link(rq_app, client, auth, csrf, session, survey,
                                                                      work):
    auth.login("admin")
    job_id, location = _request(client, csrf, survey)
    fragment = client.get(location + "&lang=en", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in fragment and "Waiting" in fragment and ">Refresh</a>" in fragment
    work()
    assert "Download survey-" in client.get(location + "&lang=en").get_data(as_text=True)
    assert client.get(f"/admin/jobs/{job_id}/download").get_data() == _expected_csv(session, survey)


def test_another_users_export_is_not_theirs_to_download(client, auth, csrf, session, survey, staff, settle):
    other = factories.user(session, username="admin2")
    session.commit()
    auth.login("admin")
    job_id, _ = _request(client, csrf, survey)
    settle()
    auth.logout()
    auth.login(other.username)
    assert client.get(f"/admin/jobs/{job_id}/download").status_code == 403
    denied = session.scalars(select(AuditEntry).where(AuditEntry.action == "jobs.download_denied")).one()
    assert denied.actor_label == "admin2" and denied.object_id == str(job_id)


def test_a_bureau_editor_cannot_export_or_follow_an_export(client, auth, csrf, session, survey, staff, settle):
    auth.login("admin")
    job_id, _ = _request(client, csrf, survey)
    settle()
    auth.logout()
    auth.login("editor")
    token = csrf.token(client, "/admin/")
    assert client.post(f"/admin/surveys/{survey.id}/export.csv", data={"csrf_token": token}).status_code == 403
    assert client.get(f"/admin/jobs/{job_id}").status_code == 403
    assert session.scalars(select(Job.id)).all() == [job_id]


def test_a_small_export_stays_direct(client, auth, session, staff, app):
    small = factories.survey(session, staff["admin"], responses=2)
    session.commit()
    auth.login("admin")
    body = client.get(f"/admin/surveys/{small.id}/export.csv").get_data()
    assert body == _expected_csv(session, small)
    assert session.scalars(select(Job)).all() == []


def test_the_request_needs_the_csrf_token(client, auth, session, survey):
    auth.login("admin")
    assert client.post(f"/admin/surveys/{survey.id}/export.csv", data={}).status_code == 400
    assert session.scalars(select(Job)).all() == []


def test_an_export_of_a_survey_deleted_meanwhile_is_dead_with_the_reason(app, session, staff, settle):
    from app.jobs import services

    app.config["JOBS_RETRY_BACKOFF"] = "0"
    job_id = services.enqueue(session, "surveys.export", actor=staff["admin"], survey_id=99999, fmt="csv").id
    session.commit()
    settle()
    job = session.get(Job, job_id)
    assert job.state == JobState.DEAD and "survey 99999 no longer exists" in job.error and job.result_name is None
