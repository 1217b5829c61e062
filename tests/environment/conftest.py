"""The data-in tests (test_data_*) read refusals and page texts in English, the source language."""
import pytest


@pytest.fixture(autouse=True)
def english(request):
    if not request.module.__name__.rsplit(".", 1)[-1].startswith("test_data_") or "app" not in request.fixturenames:
        yield
        return
    if "client" in request.fixturenames:
        request.getfixturevalue("client").set_cookie("lang", "en")
    with request.getfixturevalue("app").test_request_context("/?lang=en"):
        yield
