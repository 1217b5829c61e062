"""The demo city crawled as residents meet it, in English: the checks are in tests/browser/crawl.py."""
import pytest

from tests.browser.crawl import SAMPLE_VIEWS, every_kind_of_page_on_a_phone, every_public_address_answers, sample_pages

LOCALE = "en"


def test_every_public_address_answers(browser, demo_url):
    every_public_address_answers(browser, demo_url, LOCALE)


def test_every_kind_of_page_on_a_phone(browser, demo_url):
    every_kind_of_page_on_a_phone(browser, demo_url, LOCALE)


@pytest.mark.parametrize("view", [view for view, locale in SAMPLE_VIEWS if locale == LOCALE])
def test_sample_pages_on_a_desktop_and_in_elder_mode(browser, demo_url, view):
    sample_pages(browser, demo_url, view, LOCALE)
