"""Every visible string is marked, extracted and translated in zh_Hans, zh_Hant and en."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

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
