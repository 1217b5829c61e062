"""The office's page /admin/jobs: dead letters with their error, run again and discard (POST, CSRF, audited);
only the office sees it; a job's own page for the person who asked."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.db_types import utcnow
from app.jobs import services
from app.jobs.models import Job, JobState
from tests import factories
from tests.jobs import kinds


def _actions(session, action):
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


@pytest.fixture
def dead_job(app, session, settle):
    app.config["JOBS_RETRY_BACKOFF"] = "0"
    job_id = services.enqueue(session, "tests.flaky", fail_runs=3).id
    session.commit()
    settle()
    session.expire_all()
    assert session.get(Job, job_id).state == JobState.DEAD
    return job_id


def test_a_failing_job_shows_on_the_office_page_with_its_error(client, auth, staff, dead_job):
    auth.login("admin")
    html = client.get("/admin/jobs/?lang=en").get_data(as_text=True)
    dead_section = html.split('id="dead"', 1)[1].split('id="duties"', 1)[0]
    assert f"#{dead_job}" in dead_section and "RuntimeError: run 3 failed on purpose" in dead_section
    assert "Run again" in dead_section and "Discard" in dead_section
    assert "No Redis is configured" in html


def test_the_office_runs_a_dead_job_again_and_it_is_audited(client, auth, csrf, session, staff, dead_job, settle):
    auth.login("admin")
    token = csrf.token(client, "/admin/jobs/")
    response = client.post(f"/admin/jobs/{dead_job}/retry?lang=en", data={"csrf_token": token})
    assert response.status_code == 303
    settle()
    session.expire_all()
    job = session.get(Job, dead_job)
    assert job.state == JobState.DONE and job.attempts == 1 and kinds.RUNS[dead_job] == 4
    entry = _actions(session, "jobs.retry")[0]
    assert entry.actor_label == "admin" and entry.before["state"] == "dead" and entry.after["state"] == "queued"


def test_the_office_discards_a_dead_job(client, auth, csrf, session, staff, dead_job):
    auth.login("admin")
    token = csrf.token(client, "/admin/jobs/")
    assert client.post(f"/admin/jobs/{dead_job}/discard", data={"csrf_token": token}).status_code == 303
    session.expire_all()
    assert session.get(Job, dead_job).state == JobState.DISCARDED
    assert _actions(session, "jobs.discard")
    html = client.get("/admin/jobs/?lang=en").get_data(as_text=True)
    assert "None: every job finished or is still being tried." in html


def test_retry_and_discard_need_the_csrf_token(client, auth, session, staff, dead_job):
    auth.login("admin")
    assert client.post(f"/admin/jobs/{dead_job}/retry", data={}).status_code == 400
    assert client.post(f"/admin/jobs/{dead_job}/discard", data={}).status_code == 400
    session.expire_all()
    assert session.get(Job, dead_job).state == JobState.DEAD


def test_a_finished_job_cannot_be_run_again(client, auth, csrf, session, staff, settle):
    job_id = services.enqueue(session, "tests.echo", value=1).id
    session.commit()
    settle()
    auth.login("admin")
    token = csrf.token(client, "/admin/jobs/")
    response = client.post(f"/admin/jobs/{job_id}/retry?lang=en", data={"csrf_token": token},
                           follow_redirects=True)
    assert "Only a job that gave up or stalled can be run again." in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Job, job_id).state == JobState.DONE and not _actions(session, "jobs.retry")


def test_a_stalled_running_job_is_shown_and_can_be_discarded(client, auth, csrf, session, staff):
    # A run whose process stopped two hours ago (a worker killed): its heartbeat stopped.
    job = Job(kind="tests.echo", args={"value": 1}, state=JobState.RUNNING, attempts=1, max_attempts=1,
              progress_done=0, heartbeat_at=utcnow() - timedelta(hours=2), created_at=utcnow() - timedelta(hours=2))
    session.add(job)
    session.commit()
    auth.login("admin")
    html = client.get("/admin/jobs/?lang=en").get_data(as_text=True)
    assert "stalled" in html.split('id="dead"', 1)[1].split('id="duties"', 1)[0]
    token = csrf.token(client, "/admin/jobs/")
    assert client.post(f"/admin/jobs/{job.id}/discard", data={"csrf_token": token}).status_code == 303
    session.expire_all()
    assert session.get(Job, job.id).state == JobState.DISCARDED


def test_a_bureau_editor_cannot_see_the_office_page(client, auth, csrf, session, staff, dead_job):
    auth.login("editor")
    assert client.get("/admin/jobs/").status_code == 403
    token = csrf.token(client, "/admin/")
    assert client.post(f"/admin/jobs/{dead_job}/retry", data={"csrf_token": token}).status_code == 403
    denied = _actions(session, "access.denied")
    assert [entry.object_id for entry in denied] == ["jobs.index", "jobs.retry"]
    session.expire_all()
    assert session.get(Job, dead_job).state == JobState.DEAD


def test_someone_elses_job_page_is_refused_and_audited(client, auth, session, staff, settle):
    job_id = services.enqueue(session, "tests.echo", actor=staff["admin"], value=1).id
    session.commit()
    settle()
    auth.login("editor")
    assert client.get(f"/admin/jobs/{job_id}").status_code == 403
    assert client.get(f"/admin/jobs/{job_id}/download").status_code == 403
    entries = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "jobs").order_by(AuditEntry.id))
    assert [e.action for e in entries] == ["jobs.denied", "jobs.download_denied"]


def test_the_office_sees_a_jobs_page_but_downloads_only_its_own(client, auth, session, staff, settle):
    other_admin = factories.user(session, username="admin2")
    job_id = services.enqueue(session, "tests.file", actor=staff["admin"], text="x\n").id
    session.commit()
    settle()
    auth.login(other_admin.username)
    page = client.get(f"/admin/jobs/{job_id}?lang=en").get_data(as_text=True)
    assert "Done" in page and "/download" not in page
    assert client.get(f"/admin/jobs/{job_id}/download").status_code == 403
    assert _actions(session, "jobs.download_denied")


def test_missing_jobs_are_404(client, auth, csrf, staff):
    auth.login("admin")
    token = csrf.token(client, "/admin/jobs/")
    assert client.get("/admin/jobs/999").status_code == 404
    assert client.get("/admin/jobs/999/download").status_code == 404
    assert client.post("/admin/jobs/999/retry", data={"csrf_token": token}).status_code == 404


def test_the_state_filter_lists_only_that_state(client, auth, session, staff, dead_job, settle):
    done_id = services.enqueue(session, "tests.echo", value=1).id
    session.commit()
    settle()
    auth.login("admin")
    html = client.get("/admin/jobs/?state=done&lang=en").get_data(as_text=True)
    recent = html.split('id="recent"', 1)[1]
    assert f">#{done_id}<" in recent and f">#{dead_job}<" not in recent
    assert client.get("/admin/jobs/?state=nonsense").status_code == 200
