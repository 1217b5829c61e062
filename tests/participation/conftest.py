"""Participation tests read refusals and page texts in English, the source language (a test may still ask for
another language with ?lang=, or mark itself `chinese_pages` to read the default Simplified Chinese pages)."""
import pytest


@pytest.fixture(autouse=True)
def english(request):
    if "app" not in request.fixturenames:
        yield
        return
    if "client" in request.fixturenames and not request.node.get_closest_marker("chinese_pages"):
        request.getfixturevalue("client").set_cookie("lang", "en")
    with request.getfixturevalue("app").test_request_context("/?lang=en"):
        yield
