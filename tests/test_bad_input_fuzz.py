"""Property-based fuzzing of every route: whatever a visitor or a staff member sends — huge ids, Unicode digits,
NUL and other control characters, year 1 or 9999, NaN — the site answers with a 4xx or a page, never a 5xx.

The routes come from the app's url_map, so a new route is fuzzed without touching this file. Hypothesis runs
derandomized with a fixed number of examples per route, so every run tries the same requests.
"""
import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sqlalchemy import select

from app.indicators.models import Indicator, IndicatorMeasure
from app.notices.workflow import Step as NoticeStep
from app.notices import services as notice_services
from app.open311 import services as open311_services
from tests import factories

# Query parameters the views read (grep app/ for request.args), plus the Open311 and survey ones.
QUERY_NAMES = ["page", "page_size", "district", "category", "categories", "year", "status", "state", "kind", "q",
               "period", "place", "domain", "property", "format", "fmt", "lang", "locale", "by", "code", "colour",
               "bureau", "start_date", "end_date", "service_code", "service_request_id", "next", "step", "round",
               "unit", "month"]
INT_MAX = 2**31 - 1

NASTY = ["", "\x00", "a\x00b", "²", "٣", "1²", "¹²", "\x0b", "a\x0bb", "\x1b[31m", "\r\n", "\r", "NaN", "sNaN",
         "Infinity", "-Infinity", "1e999999", "-0", "0001-01-01", "9999-12-31", "0001-01-01T00:00:00Z",
         "9999-12-31T23:59:59+14:00", "2026-02-30", str(INT_MAX), str(INT_MAX + 1), str(2**63), str(10**30), "-1",
         "0", "1", "2", "' OR 1=1 --", "<script>x</script>", '=HYPERLINK("http://x")', "%", "%00", "..", "zh_Hant",
         "csv", "xlsx", "docx", "json", "xml", "2025", "2025Q1", "2025-13", "city", "open", "closed", "x" * 300]
nasty_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=20),
    st.text(alphabet=st.characters(max_codepoint=0x3000), max_size=12),
    st.integers(min_value=-2**70, max_value=2**70).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
)
# Path integers: ids that exist (the fixtures create few rows) and ones beyond every database integer.
path_int = st.one_of(st.sampled_from([1, 2, 3]), st.sampled_from([0, 2025, 2026, INT_MAX, INT_MAX + 1, 2**63]),
                     st.integers(min_value=0, max_value=2**80))
# A path whose variables name rows that exist, so that a form behind it is reached, not just its 404.
EXISTING = {"step": "submit", "decision": "approve", "state": "open", "action": "approve", "fmt": "csv",
            "period": "2025", "day": "2026-10-01"}
path_text = st.one_of(
    st.sampled_from(["1", "2", "6", "2025", "csv", "xlsx", "submit", "approve", "accept", "assign", "approve",
                     "granted", "2026-10-01", "air", "notice-cat-1", "ABCDEFGHJKLMNPQR"]),
    nasty_text).filter(lambda s: s not in ("", ".", ".."))
FUZZ = dict(deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck))
TALLY = {"requests": 0}


class _FormFields(HTMLParser):
    """The names of a page's form fields, each with the values the page offers (input values, options)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "textarea", "select") and attrs.get("name") and attrs.get("type") != "file":
            values = self.fields.setdefault(attrs["name"], [])
            if attrs.get("value"):
                values.append(attrs["value"])
            self._select = attrs["name"] if tag == "select" else None
        elif tag == "option" and getattr(self, "_select", None) and attrs.get("value"):
            self.fields[self._select].append(attrs["value"])


def form_fields(html: str) -> dict[str, list[str]]:
    parser = _FormFields()
    parser.feed(html)
    return parser.fields


def _path(rule, values: dict) -> str:
    """The rule's path with each variable replaced by its (URL-quoted) drawn value."""
    def fill(match):
        name = match.group(1).split(":")[-1]
        return quote(str(values[name]), safe="")
    return re.sub(r"<([^>]+)>", fill, rule.rule)


def _path_strategy(rule):
    parts = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind == "AnyConverter":
            parts[name] = st.sampled_from(sorted(converter.items))
        elif kind in ("IntegerConverter", "BoundedIntegerConverter"):
            parts[name] = path_int
        else:
            parts[name] = path_text
    return st.fixed_dictionaries(parts)


def _existing_path(rule) -> dict:
    def value(name, converter):
        kind = type(converter).__name__
        if kind == "AnyConverter":
            return sorted(converter.items)[0]
        return 1 if "Integer" in kind else EXISTING.get(name, "1")
    return {name: value(name, converter) for name, converter in rule._converters.items()}


def _query_strategy():
    return st.dictionaries(st.sampled_from(QUERY_NAMES), nasty_text, max_size=4)


def _assert_no_server_error(response, what: str) -> None:
    TALLY["requests"] += 1
    assert response.status_code < 500, f"{what} answered {response.status_code}"


def _rules(app, *, admin: bool, method: str):
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or method not in rule.methods:
            continue
        if rule.rule.startswith("/admin") == admin:
            found.append(rule)
    return sorted(found, key=lambda r: r.rule)


def fuzz_gets(client, rules, examples: int) -> None:
    """GET each rule with drawn path variables and query parameters."""
    for rule in rules:
        @settings(max_examples=examples, **FUZZ)
        @given(path=_path_strategy(rule), query=_query_strategy())
        def check(path, query, rule):
            url = _path(rule, path)
            response = client.get(url, query_string=query)
            _assert_no_server_error(response, f"GET {url}?{urlencode(query)}")
        check(rule=rule)


def fuzz_posts(client, csrf, rules, examples: int, extra_fields: dict | None = None) -> None:
    """POST each rule's form (fields read from its page) with drawn values and a valid CSRF token."""
    token = csrf.token(client, "/")
    for rule in rules:
        page_fields: dict[str, list[str]] = {}
        if "GET" in rule.methods:  # the form's own fields, read from its page for the first rows
            page = client.get(_path(rule, _existing_path(rule)))
            if page.status_code == 200:
                page_fields = form_fields(page.get_data(as_text=True))
        names = sorted(set(page_fields) - {"csrf_token"}) or ["text", "comment", "reason", "note", "code", "value"]

        def value(name, page_fields=page_fields):
            offered = page_fields.get(name) or []
            return st.one_of(st.sampled_from(offered), nasty_text) if offered else nasty_text

        data_strategy = st.fixed_dictionaries({n: value(n) for n in names})

        @settings(max_examples=examples, **FUZZ)
        @given(path=st.one_of(st.just(_existing_path(rule)), _path_strategy(rule)), data=data_strategy)
        def check(path, data, rule):
            url = _path(rule, path)
            body = {**data, **(extra_fields or {}), "csrf_token": token}
            response = client.post(url, data=body)
            _assert_no_server_error(response, f"POST {url} {data!r}")
        check(rule=rule)


@pytest.fixture
def world(session, staff):
    """Something of every kind, so that the ids the fuzzing draws (small ones) often exist."""
    home = staff["bureaus"]["home"]
    city = factories.place(session, level=factories.PlaceLevel.CITY, code="city")
    districts = [factories.place(session, code=f"district-{n}") for n in range(2)]
    catalogue = factories.catalogue(session, lead_bureau=home)
    first = session.scalars(select(IndicatorMeasure).join(Indicator).where(
        Indicator.catalogue_id == catalogue.id).order_by(IndicatorMeasure.id)).first()
    factories.approved_value(session, first, city, state_value="制定实施")
    factories.survey(session, staff["admin"], mode="open", responses=3, districts=2)
    factories.survey(session, staff["admin"], mode="sampled", responses=2, invitations=2, districts=2)
    factories.tip(session, bureau_=home, district=districts[0])
    factories.tip(session, bureau_=home, district=districts[1], anonymous=False)
    factories.disclosure_request(session, bureau_=home)
    notice = factories.notice(session, staff["bureau_editor"], home)
    notice_services.take_step(session, staff["bureau_editor"], notice, NoticeStep.SUBMIT)
    notice_services.take_step(session, staff["reviewer"], notice, NoticeStep.APPROVE,
                              index_scheme="{bureau_code}/{year}-{seq:05d}")
    factories.disclosure_item(session, staff["admin"], home)
    _row, key = open311_services.issue_key(session, staff["admin"], "fuzz client")
    session.commit()
    return {"api_key": key, "districts": districts}


def test_public_pages_never_answer_5xx_to_fuzzed_paths_and_parameters(app, client, world):
    fuzz_gets(client, _rules(app, admin=False, method="GET"), examples=8)


def test_public_forms_never_answer_5xx_to_fuzzed_input(app, client, csrf, world):
    fuzz_posts(client, csrf, _rules(app, admin=False, method="POST"), examples=20,
               extra_fields={"api_key": world["api_key"]})


def test_staff_pages_never_answer_5xx_to_fuzzed_ids_and_parameters(app, client, auth, world):
    """Each role in turn: the pages it may see and those it may not (a 403 is fine, a 5xx never)."""
    for username in ("admin", "editor", "handler", "reviewer", "interviewer"):
        assert auth.login(username).status_code in (302, 303)
        fuzz_gets(client, _rules(app, admin=True, method="GET"), examples=3 if username == "admin" else 1)
        auth.logout()


def test_staff_forms_never_answer_5xx_to_fuzzed_input(app, client, auth, csrf, world, staff):
    assert auth.login("admin").status_code in (302, 303)
    fuzz_posts(client, csrf, _rules(app, admin=True, method="POST"), examples=4)
