"""Every visible string is marked, extracted and translated in zh_Hans, zh_Hant and en."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.i18n import local_today

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ["zh_Hans", "zh_Hant", "en"]


def _catalog(locale):
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "--no-location", "--ignore-dirs=.venv tests",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_every_marked_string(extracted, locale):
    catalog_ids = {message.id for message in _catalog(locale) if message.id}
    assert sorted(map(str, extracted - catalog_ids)) == [], "run `make i18n-extract` and translate"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_no_obsolete_strings(extracted, locale):
    catalog = _catalog(locale)
    catalog_ids = {message.id for message in catalog if message.id}
    assert not catalog.obsolete
    assert sorted(map(str, catalog_ids - extracted)) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_fully_translated_and_not_fuzzy(locale):
    problems = []
    for message in _catalog(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            problems.append(message.id)
    assert problems == []


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_chinese_catalogs_are_really_chinese(locale):
    han = re.compile(r"[\u4e00-\u9fff]")
    untranslated = [m.id for m in _catalog(locale) if m.id and isinstance(m.string, str)
                    and not han.search(m.string) and re.search(r"[A-Za-z]{4,}", m.id)
                    and not re.fullmatch(r"[\s\W\d%()a-z_.]*", m.string)]
    assert untranslated == []


def test_placeholders_survive_translation():
    names = re.compile(r"%\((\w+)\)[sd]")
    for locale in LOCALES:
        for message in _catalog(locale):
            if message.id and isinstance(message.id, str):
                assert set(names.findall(message.id)) == set(names.findall(message.string)), (locale, message.id)


TEXT_OUTSIDE_TAGS = re.compile(r">([^<>]+)<")
ATTRIBUTES = re.compile(r'\s(?:aria-label|title|placeholder|alt)="([^"{]+)"')


def _strip_jinja(source: str) -> str:
    source = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
    source = re.sub(r"\{%.*?%\}", "", source, flags=re.S)
    return re.sub(r"\{\{.*?\}\}", "", source, flags=re.S)


def test_templates_have_no_unmarked_visible_text():
    """Text between tags, and labels in attributes, must come from _() — not be typed into the HTML."""
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        source = _strip_jinja(path.read_text(encoding="utf-8"))
        candidates = TEXT_OUTSIDE_TAGS.findall(source) + ATTRIBUTES.findall(source)
        for text in candidates:
            text = text.strip()
            if re.search(r"[A-Za-z\u4e00-\u9fff]", text) and text not in {"·", "CSV", "XLSX", "DOCX", "JSON"}:
                offenders.append(f"{path.relative_to(ROOT)}: {text!r}")
    assert offenders == []


def _translation(locale: str, msgid: str, context: str | None = None) -> str:
    message = _catalog(locale).get(msgid, context=context)
    assert message is not None, (locale, context, msgid)
    return message.string


# OpenCC's s2t leaves old or variant forms that Traditional Chinese as written in Taiwan does not use; the site
# writes 台 (平台, as SITE_NAME_ZH_HANT does) and 污 throughout.
HANT_ARTEFACTS = re.compile(r"[覈衆裏纔羣綫着爲啓溼臺汙僞峯牀衞]|天后|分佈|發佈|公佈")


def test_traditional_catalog_has_no_opencc_artefacts():
    artefacts = [f"{message.id} → {message.string}" for message in _catalog("zh_Hant")
                 if message.id and isinstance(message.string, str) and HANT_ARTEFACTS.search(message.string)]
    assert artefacts == []


def test_traditional_artefacts_are_caught():
    for wrong in ("審覈", "公衆", "這裏", "保留 30 天后刪除", "本平臺", "分佈圖", "視爲"):
        assert HANT_ARTEFACTS.search(wrong), wrong
    for right in ("審核", "公眾", "這裡", "保留 30 天後刪除", "本平台", "分布圖", "視為", "皇后"):
        assert not HANT_ARTEFACTS.search(right), right


@pytest.mark.parametrize(("locale", "context", "msgid", "expected"), [
    # A count of reports or requests received, and the disclosure-catalogue items that fell due, are not dates.
    ("zh_Hans", "count", "Received", "收到件数"),
    ("zh_Hant", "count", "Received", "收到件數"),
    ("zh_Hans", "count", "Due", "应公开数"),
    ("zh_Hant", "count", "Due", "應公開數"),
    # ...while the same words heading a column of dates keep their date meaning.
    ("zh_Hans", None, "Received", "提交时间"),
    ("zh_Hans", None, "Due", "截止日期"),
    # The audit log's column of addresses, not the filter's first date.
    ("zh_Hans", "address", "From", "来源 IP"),
    ("zh_Hant", "address", "From", "來源 IP"),
    ("zh_Hans", None, "From", "起始日期"),
    # The applicant's identity-document number is not a document's reference number (文号).
    ("zh_Hans", None, "ID document number", "证件号码"),
    ("zh_Hant", None, "ID document number", "證件號碼"),
    ("zh_Hans", None, "Document number", "文号"),
])
def test_words_with_two_meanings_are_translated_for_each(locale, context, msgid, expected):
    assert _translation(locale, msgid, context) == expected


def test_counts_are_labelled_as_counts_on_the_public_pages(client):
    stats = client.get("/tips/stats?lang=zh_Hans").get_data(as_text=True)
    assert "收到件数" in stats and "提交时间" not in stats
    report = client.get(f"/disclosure/annual-report/{local_today().year - 1}?lang=zh_Hant").get_data(as_text=True)
    assert "應公開數" in report and "收到件數" in report and "截止日期" not in report


def test_english_text_has_no_chinese_except_values_to_type():
    """Chinese in English text is left only where staff must type those very words (column names, values)."""
    han = re.compile(r"[\u4e00-\u9fff]")
    to_type = re.compile(r"Columns:|columns|table|Write 是|use 约束性|use 市|e\.g\. 国庆节")
    chinese = [m.id for m in _catalog("en") if m.id and isinstance(m.string, str) and han.search(m.string)
               and not to_type.search(m.string)]
    assert chinese == []
