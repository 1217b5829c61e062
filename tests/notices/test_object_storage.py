"""Uploads kept in an S3-compatible object store (STORAGE_S3_BUCKET), tested against a real local S3 server (moto's
server, installed from requirements.txt): written there and not on the local disk, served through the app with
the same headers, removed from there."""
import pytest

from app.notices import services
from app.notices.workflow import Step
from tests.notices.conftest import SCHEME
from tests.conftest import S3_BUCKET

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BUCKET = S3_BUCKET


@pytest.fixture
def bucket(s3_bucket):
    return s3_bucket


def keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_an_attachment_is_kept_in_the_object_store_and_served_with_the_same_headers(
        app, client, session, draft, staff, bucket, tmp_path):
    notice = draft()
    upload_dir = services.attachment_dir(app.config["UPLOAD_DIR"])
    row = services.add_attachment(session, staff["bureau_editor"], notice, PDF, "月报.pdf", upload_dir, 10_000)
    session.commit()
    assert keys(bucket) == [f"uploads/notices/{row.stored_name}"]
    assert bucket.get_object(Bucket=BUCKET, Key=keys(bucket)[0])["Body"].read() == PDF
    assert not (tmp_path / "uploads").exists()  # nothing on the local disk
    assert client.get(f"/notices/attachments/{row.id}").status_code == 404  # still a draft
    services.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT)
    services.take_step(session, staff["reviewer"], notice, Step.APPROVE, index_scheme=SCHEME)
    session.commit()
    response = client.get(f"/notices/attachments/{row.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "public, max-age=3600"


def test_a_removed_attachment_leaves_the_object_store_and_a_missing_object_is_404(
        app, client, session, draft, staff, bucket, publish):
    notice = draft()
    upload_dir = services.attachment_dir(app.config["UPLOAD_DIR"])
    kept = services.add_attachment(session, staff["bureau_editor"], notice, PDF, "a.pdf", upload_dir, 10_000)
    removed = services.add_attachment(session, staff["bureau_editor"], notice, PDF, "b.pdf", upload_dir, 10_000)
    services.remove_attachment(session, staff["bureau_editor"], removed, upload_dir)
    session.commit()
    assert keys(bucket) == [f"uploads/notices/{kept.stored_name}"]
    publish(notice)
    bucket.delete_object(Bucket=BUCKET, Key=keys(bucket)[0])  # lost behind the app's back
    assert client.get(f"/notices/attachments/{kept.id}").status_code == 404
