"""Real-browser fixtures: Debian's Chromium driven by Playwright, against the app served from a thread."""
import os
import shutil
import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from tests import factories
from tests.conftest import base_config

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# A phone's layout in CSS pixels; drawn at one device pixel per CSS pixel, since a ratio of 2 only makes
# Chromium paint four times the pixels (the layout, and so every check, is the same).
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium",
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        "timeout": 30_000,
    }


@pytest.fixture(scope="session")
def live_app(database_template, tmp_path_factory):
    """The app on a database file shared by the server thread and the tests, with one user per role."""
    if not str(database_template).endswith(".sqlite3"):
        pytest.fail("browser tests run on the SQLite leg (make test-sqlite)")
    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    shutil.copyfile(database_template, path)
    config = base_config(f"sqlite:///{path}")
    config["UPLOAD_DIR"] = str(tmp_path_factory.mktemp("uploads"))
    app = create_app(config)
    with app.app_context():
        from decimal import Decimal

        from app.org.models import PlaceLevel

        staff = factories.staff_set(db.session)
        city = factories.place(db.session, level=PlaceLevel.CITY, code="city", terrain="hilly")
        district = factories.place(db.session, code="hills", terrain="hilly", name_zh_hans="白河县")
        catalogue = factories.catalogue(db.session, lead_bureau=staff["bureaus"]["home"])
        waste = catalogue.domains[1].task_groups[0].indicators[0].measures[0]
        for place, number in ((city, "100"), (district, "91.5")):
            factories.approved_value(db.session, waste, place, numeric_value=Decimal(number), evidence="年报")
        db.session.commit()
    return app


def live_admin():
    """The live database's administrator (username "admin"), who takes staff steps the tests set up."""
    from sqlalchemy import select

    from app.accounts.models import User

    return db.session.scalar(select(User).where(User.username == "admin"))


def _serve(app):
    """Serve the app from a thread on an OS-chosen port; yields its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def base_url(live_app):
    yield from _serve(live_app)


@pytest.fixture(scope="session")
def demo_app(database_template, demo_snapshot, tmp_path_factory):
    """The site as residents meet it: the migrated database filled by the real `flask seed-demo` (seeded once per
    test process, tests/conftest.py's DemoSnapshot)."""
    if not str(database_template).endswith(".sqlite3"):
        pytest.fail("browser tests run on the SQLite leg (make test-sqlite)")
    workdir = tmp_path_factory.mktemp("demo")
    config = base_config(demo_snapshot.copy_to(str(database_template), workdir))
    config["UPLOAD_DIR"] = str(workdir / "uploads")
    config["DEMO_CREDENTIALS_FILE"] = str(workdir / "demo-credentials.txt")
    return create_app(config)


@pytest.fixture(scope="session")
def demo_credentials(demo_app) -> dict:
    """What seed-demo saved in DEMO_CREDENTIALS_FILE: staff passwords by username, tip codes as tip-<n>."""
    with open(demo_app.config["DEMO_CREDENTIALS_FILE"], encoding="utf-8") as handle:
        return dict(line.rstrip("\n").split("\t", 1) for line in handle if line.strip())


@pytest.fixture(scope="session")
def demo_url(demo_app):
    yield from _serve(demo_app)


@pytest.fixture
def demo_phone(browser, demo_url):
    """A phone set to Chinese (as the city's residents' are), on the demo city."""
    context = browser.new_context(base_url=demo_url, locale="zh-CN", **PHONE)
    yield context
    context.close()


@pytest.fixture
def page_errors(page):
    """Console errors and CSP violations seen while the test ran; the test asserts it stays empty."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


_axe = Axe()
# What Playwright says when a script meets a page that a navigation is replacing.
NAVIGATING = ("Execution context was destroyed", "reading 'documentElement'", "Cannot find context")


def assert_accessible(page) -> None:
    """Fail on any WCAG 2.1 A/AA violation axe finds on the current page. A click on a link returns before the
    next page is there: axe then meets a document being torn down, so it runs again once that page has loaded."""
    page.wait_for_load_state()
    try:
        results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    except PlaywrightError as error:
        if not any(sign in str(error) for sign in NAVIGATING):
            raise
        page.wait_for_load_state()
        results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()


def sign_in(page, username: str, password: str = factories.PASSWORD) -> None:
    """Sign in through the login form and wait for the staff landing page."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/admin/")


@pytest.fixture
def assert_accessible_without_js(browser):
    """axe is JavaScript, and page.evaluate never returns in a java_script_enabled=False context: check the
    HTML such a page shows, at its URL, in a scratch page whose own scripts (htmx, app.js) are blocked."""
    context = browser.new_context(**PHONE)
    scratch = context.new_page()

    def check(page) -> None:
        html, url = page.content(), page.url
        scratch.unroute_all()
        scratch.route("**/*.js", lambda route: route.abort())
        scratch.route(lambda address: address == url,
                      lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
        scratch.goto(url)
        assert_accessible(scratch)

    yield check
    context.close()


@pytest.fixture
def phone(browser, base_url):
    context = browser.new_context(base_url=base_url, **PHONE)
    yield context
    context.close()


@pytest.fixture
def phone_without_js(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False, **PHONE)
    yield context
    context.close()
