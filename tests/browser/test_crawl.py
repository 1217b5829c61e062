"""The demo city crawled as residents meet it, in Simplified Chinese, and the crawl's own helpers checked: the checks
are in tests/browser/crawl.py."""
from tests.browser.crawl import shape, crawl_tests, wrong_language

LOCALE = "zh_Hans"


def test_shapes_group_addresses_by_kind():
    assert shape("/notices/123") == shape("/notices/7") == "/notices/N"
    assert shape("/indicators/?place=baihe&period=2026") == "/indicators/?period&place"
    assert shape("/") == "/"


def test_wrong_language_finds_text_of_another_language():
    assert wrong_language("en", ["Indicators", "指标"]) == ["指标"]
    assert wrong_language("zh_Hant", ["指標說明", "指标说明"]) == ["指标说明 (标说)"]
    assert wrong_language("zh_Hans", ["下载 CSV", "下载 XLSX", "PM2.5 浓度", "Open311 接口", "Download 下载"]) \
        == ["Download 下载"]


(test_every_public_address_answers, test_every_kind_of_page_on_a_phone,
 test_sample_pages_on_a_desktop_and_in_elder_mode) = crawl_tests(LOCALE)
