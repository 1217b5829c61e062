"""The demo city crawled as residents meet it, in Traditional Chinese: the checks are in tests/browser/crawl.py."""
from tests.browser.crawl import crawl_tests

(test_every_public_address_answers, test_every_kind_of_page_on_a_phone,
 test_sample_pages_on_a_desktop_and_in_elder_mode) = crawl_tests("zh_Hant")
