"""An administrator prepares a large survey export on a phone: the job's page polls itself (htmx) from "Waiting"
to the download link, and without JavaScript its refresh link does the same; the office's background-jobs page;
axe on each."""
import uuid

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.jobs import runner
from app.serving import LOCAL_REDIS, redis_answers
from tests import factories
from tests.browser.conftest import assert_accessible, live_admin, sign_in


@pytest.fixture
def large_export(live_app):
    """A survey above the background threshold (lowered to 2 responses) in the live app."""
    saved = {key: live_app.config[key] for key in ("SURVEY_EXPORT_BACKGROUND_ABOVE", "JOBS_REDIS_URL", "JOBS_QUEUE")}
    live_app.config["SURVEY_EXPORT_BACKGROUND_ABOVE"] = 2
    with live_app.app_context():
        survey = factories.survey(db.session, live_admin(), responses=3)
        db.session.commit()
        survey_id = survey.id
    yield survey_id
    live_app.config.update(saved)


def test_the_export_page_polls_until_the_download_link_appears(live_app, phone, page_errors, large_export):
    if not redis_answers(LOCAL_REDIS):
        pytest.skip("no Redis answers on 127.0.0.1:6379: the job would finish before the page could poll")
    from rq import SimpleWorker

    # On a queue of its own with no worker yet, the job waits until the test runs one.
    live_app.config.update(JOBS_REDIS_URL=LOCAL_REDIS, JOBS_QUEUE=f"browser-{uuid.uuid4().hex[:12]}")
    page = phone.new_page()
    sign_in(page, "admin")
    page.goto(f"/admin/surveys/{large_export}/export.csv?lang=en")
    expect(page.get_by_text("This survey has 3 responses.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Prepare the CSV file").click()
    expect(page.locator("#job-status")).to_contain_text("Waiting")
    assert_accessible(page)
    with live_app.app_context():
        queue = runner.rq_queue(live_app)
        SimpleWorker([queue], connection=queue.connection, serializer=queue.serializer).work(burst=True)
        for key in queue.connection.scan_iter(match=f"*{queue.name}*"):
            queue.connection.delete(key)
    link = page.get_by_role("link", name=f"Download survey-{large_export}-responses.csv")
    expect(link).to_be_visible(timeout=15_000)  # swapped in by htmx's polling, the page never reloaded
    expect(page.locator("#job-status")).to_contain_text("Done")
    assert_accessible(page)
    assert page_errors == []


def test_without_javascript_the_refresh_link_shows_the_finished_export(live_app, browser, base_url, large_export,
                                                                       assert_accessible_without_js):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "admin")
    page.goto(f"/admin/surveys/{large_export}/export.xlsx?lang=en")
    page.get_by_role("button", name="Prepare the XLSX file").click()
    assert runner.thread_runner(live_app).wait_idle(60)
    refresh = page.get_by_role("link", name="Refresh")
    if refresh.count():
        refresh.click()
    expect(page.get_by_role("link", name=f"Download survey-{large_export}-responses.xlsx")).to_be_visible()
    assert_accessible_without_js(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download survey-{large_export}-responses.xlsx").click()
    assert download.value.suggested_filename == f"survey-{large_export}-responses.xlsx"
    page.goto("/admin/jobs/?lang=en")
    expect(page.get_by_role("heading", name="Background jobs", level=1)).to_be_visible()
    assert_accessible_without_js(page)
    context.close()
