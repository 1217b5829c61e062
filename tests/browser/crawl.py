"""The demo city crawled as residents meet it: every public address answers, in all three languages, and every
kind of page passes axe (WCAG 2.1 AA), shows no text of the wrong language and does not scroll sideways on a phone.

Addresses come from `/` and `/sitemap.xml`, following same-origin `<a href>` links (and `<loc>` in the
sitemap). Pages are grouped by shape (digits replaced by N, query keys without values) and at most two of a
shape are fetched, so the crawl stays bounded however many notices or indicators the city has. Every shape is
checked once per language on a phone; a sample (home, a list, a detail and a form of each domain) also on a
desktop and in elder (large-text) mode, in the languages SAMPLE_VIEWS names.
axe runs on every kind of page in the default language and on alternate kinds in each translation (each kind is
axe-checked in two languages); the language and sideways-scroll checks run everywhere.
A test collects every problem of its pages and reports them together.

The checks live here; each language has its test file (test_crawl.py for Simplified Chinese, test_crawl_zh_hant.py,
test_crawl_en.py), so that the test processes share the crawl's time (pytest-xdist hands out whole files).
"""
import re
from collections import defaultdict
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest

from tests.browser.conftest import PHONE, WCAG_TAGS, _axe

LOCALES = ("zh_Hans", "zh_Hant", "en")
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PER_SHAPE = 2
# Staff pages, signing out and the static files are not what the crawl is about.
SKIPPED_PREFIXES = ("/admin", "/logout", "/static/")
PAGE_TYPES = ("text/html",)
LINK_DOCUMENT_TYPES = ("text/html", "application/xml", "text/xml")
# The sample seen on a desktop and in elder mode too: per domain its list, a detail and a form.
SAMPLE_SHAPES = (
    "/",
    "/indicators/", "/indicators/N?period", "/indicators/districts?period",
    "/surveys/", "/surveys/N", "/surveys/N/results",
    "/tips/", "/tips/new", "/tips/track", "/exposure",
    "/notices/", "/notices/N",
    "/disclosure-requests/new", "/disclosure/annual-report/N",
    "/privacy",
)
# Views of the sample besides the phone, each in one language to keep the crawl's run time bounded: elder mode
# on a phone in the default language and in English (the longest words), the desktop in the other two.
SAMPLE_VIEWS = [("phone 390 elder", "zh_Hans"), ("phone 390 elder", "en"), ("desktop 1366", "zh_Hant"),
                ("desktop 1366 elder", "zh_Hans")]
# Simplified forms of common characters that Traditional text writes differently (准 is left out: Traditional
# writes 批准 with it too).
SIMPLIFIED_ONLY = set("这说为发报环时与实现处办数据质门题应业标议调问级请过网络载图项该统计开关选择单态区县审书录证")
# Latin words allowed in Simplified Chinese UI text: formats, standards, acronyms and the names Chinese writes
# in Latin letters (Wilson 区间, Cookie, Word 文档).
LATIN_ALLOWED = {"AQI", "CSV", "XLSX", "Atom", "PM2.5", "PM10", "Open311", "API", "HTTP", "HTTPS", "RSS", "PDF",
                 "DOCX", "HJ", "GB", "JPEG", "PNG", "WebP", "JSON", "XML", "Wilson", "Cookie", "Word", "Excel"}
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.]*")

# The visible text of the page in its own language: text nodes (and placeholders) that are rendered and whose
# nearest lang attribute is the page's own (not the title, which may carry an untranslated notice title that no
# attribute can mark). User content shown untranslated carries its own
# lang (lang="zh-Hans" for a notice without an English text), and so does the language switcher.
VISIBLE_TEXT_JS = """() => {
  const pageLang = document.documentElement.lang;
  const own = (element) => { const marked = element.closest('[lang]'); return !marked || marked.lang === pageLang; };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (!text || !element || element.closest('script, style, noscript, template')) continue;
    if (!element.checkVisibility() || !own(element)) continue;
    texts.push(text);
  }
  document.querySelectorAll('[placeholder]').forEach((element) => {
    if (element.checkVisibility() && own(element)) texts.push(element.getAttribute('placeholder'));
  });
  return texts;
}"""
SCROLLS_SIDEWAYS_JS = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"


def shape(address: str) -> str:
    """The kind of page an address is: digits replaced by N, query keys kept without their values."""
    parts = urlsplit(address)
    keys = sorted({key for key, _value in parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def wrong_language(locale: str, texts: list[str]) -> list[str]:
    """The pieces of UI text that are not in the page's language."""
    wrong = []
    for text in texts:
        if locale == "en" and HAN.search(text):
            wrong.append(text)
        elif locale == "zh_Hant" and SIMPLIFIED_ONLY & set(text):
            wrong.append(f"{text} ({''.join(sorted(SIMPLIFIED_ONLY & set(text)))})")
        elif locale == "zh_Hans":
            words = [token.rstrip(".") for token in LATIN_TOKEN.findall(text)]
            if any(re.search(r"[A-Za-z]{4,}", word) and word not in LATIN_ALLOWED for word in words):
                wrong.append(text)
    return wrong


def _is_download(address: str) -> bool:
    parts = urlsplit(address)
    return (parts.path.rsplit(".", 1)[-1] in {"xlsx", "csv", "docx", "ics", "pdf", "json", "atom"}
            or dict(parse_qsl(parts.query)).get("format") in {"csv", "xlsx", "docx", "ics", "json"})


def _same_origin_links(base: str, address: str, body: str) -> list[str]:
    found = []
    for link in re.findall(r"<a\b[^>]*?\bhref=\"([^\"]+)\"", body) + re.findall(r"<loc>([^<]+)</loc>", body):
        target = urlsplit(urljoin(base + address, link.replace("&amp;", "&")))
        if f"{target.scheme}://{target.netloc}" != base or target.path.startswith(SKIPPED_PREFIXES):
            continue
        if "lang" in dict(parse_qsl(target.query)):
            continue  # the language switcher: the crawl chooses the language by cookie
        found.append(target.path + (f"?{target.query}" if target.query else ""))
    return found


def _context(browser, demo_url, locale: str, *, phone: bool = True, elder: bool = False):
    context = browser.new_context(base_url=demo_url, **(PHONE if phone else DESKTOP))
    cookies = [{"name": "lang", "value": locale, "url": demo_url}]
    if elder:
        cookies.append({"name": "elder", "value": "1", "url": demo_url})
    context.add_cookies(cookies)
    return context


_crawls = {}


def crawl(browser, demo_url, locale: str) -> tuple[dict, list[str]]:
    """Walk the site in one language over HTTP: (page addresses by shape, problems with status codes).

    Done once per language and server, and shared by the tests of this module.
    """
    if (demo_url, locale) in _crawls:
        return _crawls[demo_url, locale]
    context = _context(browser, demo_url, locale)
    pages, problems, fetched = defaultdict(list), [], defaultdict(list)
    queue = ["/", "/sitemap.xml"]
    while queue:
        address = queue.pop(0)
        kind = shape(address)
        if address in fetched[kind] or len(fetched[kind]) >= PER_SHAPE:
            continue
        fetched[kind].append(address)
        response = context.request.get(address, max_redirects=0)
        if 300 <= response.status < 400:
            queue.extend(_same_origin_links(demo_url, address, f'<a href="{response.headers["location"]}">'))
            continue
        if not 200 <= response.status < 300:
            problems.append(f"{address} [{locale}]: HTTP {response.status}")
            continue
        content_type = response.headers.get("content-type", "").split(";")[0]
        if content_type in PAGE_TYPES and not _is_download(address):
            pages[kind].append(address)
        if content_type in LINK_DOCUMENT_TYPES:
            queue.extend(_same_origin_links(demo_url, address, response.text()))
    context.close()
    _crawls[demo_url, locale] = (dict(pages), problems)
    return _crawls[demo_url, locale]


def check_page(page, address: str, locale: str, view: str, *, phone: bool, axe: bool = True) -> list[str]:
    """Everything wrong with one page as shown: status, axe violations (unless `axe` is false), wrong-language
    text, sideways scroll."""
    where = f"{address} [{locale}, {view}]"
    response = page.goto(address)
    if response is None or response.status >= 400:
        return [f"{where}: HTTP {response.status if response else 'no response'}"]
    problems = []
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}}) if axe else None
    for violation in results.response["violations"] if results else ():
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        problems.append(f"{where}: axe {violation['id']} ({violation['impact']}, "
                        f"{len(violation['nodes'])} nodes: {targets})")
    for text in wrong_language(locale, page.evaluate(VISIBLE_TEXT_JS)):
        problems.append(f"{where}: wrong language: {text[:120]!r}")
    if phone and page.evaluate(SCROLLS_SIDEWAYS_JS):
        width = page.evaluate("() => document.documentElement.scrollWidth")
        problems.append(f"{where}: scrolls sideways ({width}px wide at {page.viewport_size['width']}px)")
    return problems


def report(problems: list[str], checked: str) -> None:
    """Fail with every problem listed in full (an assert's diff would cut the list short)."""
    if problems:
        pytest.fail(f"{len(problems)} problems on {checked}:\n" + "\n".join(problems), pytrace=False)


def every_public_address_answers(browser, demo_url, locale: str) -> None:
    pages, problems = crawl(browser, demo_url, locale)
    # The demo city has all of these: a crawl that found less did not walk the site.
    assert {"/", "/notices/N", "/indicators/N?period", "/surveys/N", "/tips/new"} <= set(pages), sorted(pages)
    report(problems, "addresses")


def every_kind_of_page_on_a_phone(browser, demo_url, locale: str) -> None:
    pages, _problems = crawl(browser, demo_url, locale)
    context = _context(browser, demo_url, locale)
    page = context.new_page()
    problems = []
    for number, kind in enumerate(sorted(pages)):
        problems += check_page(page, pages[kind][0], locale, "phone 390", phone=True, axe=_axe_in(locale, number))
    context.close()
    report(problems, f"{len(pages)} kinds of page")


def _axe_in(locale: str, number: int) -> bool:
    """axe (most of the crawl's time) runs on every kind of page in the default language and on every other kind
    in each translation, so that each kind is checked in two languages; the language and sideways-scroll checks
    run on every page in every language."""
    return locale == LOCALES[0] or number % 2 == LOCALES.index(locale) % 2


def sample_pages(browser, demo_url, view: str, locale: str) -> None:
    pages, _problems = crawl(browser, demo_url, locale)
    assert set(SAMPLE_SHAPES) <= set(pages), sorted(set(SAMPLE_SHAPES) - set(pages))
    phone = view.startswith("phone")
    context = _context(browser, demo_url, locale, phone=phone, elder=view.endswith("elder"))
    page = context.new_page()
    problems = []
    for kind in SAMPLE_SHAPES:
        problems += check_page(page, pages[kind][0], locale, view, phone=phone)
    context.close()
    report(problems, f"{len(SAMPLE_SHAPES)} pages")


def crawl_tests(locale: str) -> tuple:
    """The crawl's tests in one language, for a test file to bind to its own names (one file per language, so that
    pytest-xdist gives the languages to different processes)."""
    def test_every_public_address_answers(browser, demo_url):
        every_public_address_answers(browser, demo_url, locale)

    def test_every_kind_of_page_on_a_phone(browser, demo_url):
        every_kind_of_page_on_a_phone(browser, demo_url, locale)

    @pytest.mark.parametrize("view", [view for view, view_locale in SAMPLE_VIEWS if view_locale == locale])
    def test_sample_pages_on_a_desktop_and_in_elder_mode(browser, demo_url, view):
        sample_pages(browser, demo_url, view, locale)

    return test_every_public_address_answers, test_every_kind_of_page_on_a_phone, \
        test_sample_pages_on_a_desktop_and_in_elder_mode
