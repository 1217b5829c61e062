"""A job's result file in the S3-compatible object store (STORAGE_S3_BUCKET), against moto's local S3 server: the
export is uploaded there (nothing on the local disk), streamed back to the person who asked, and deleted from
there when it is past JOBS_RESULT_DAYS."""
from datetime import timedelta

import pytest

from app.db_types import utcnow
from app.jobs import scheduler, services
from app.jobs.models import Job, JobState
from tests.conftest import S3_BUCKET

BUCKET = S3_BUCKET


@pytest.fixture
def bucket(s3_bucket):
    return s3_bucket


def _keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_result_file_goes_to_the_object_store_and_is_streamed_back(app, client, auth, session, staff, bucket,
                                                                     settle, tmp_path):
    text = "12345,多种树\n" * 20_000
    job_id = services.enqueue(session, "tests.file", actor=staff["admin"], text="12345,多种树\n", repeat=20_000).id
    session.commit()
    settle()
    job = session.get(Job, job_id)
    assert job.state == JobState.DONE and _keys(bucket) == [f"uploads/jobs/{job.result_name}"]
    assert not (tmp_path / "uploads" / "jobs").exists()
    auth.login("admin")
    response = client.get(f"/admin/jobs/{job_id}/download")
    assert response.status_code == 200 and response.get_data() == text.encode()
    assert response.headers["Content-Length"] == str(len(text.encode()))
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    scheduler.housekeeping(session, utcnow() + timedelta(days=app.config["JOBS_RESULT_DAYS"] + 1))
    assert _keys(bucket) == []
    assert client.get(f"/admin/jobs/{job_id}/download").status_code == 404
