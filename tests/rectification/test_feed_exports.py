"""The ledger's Atom feed (tasks put in notice, closed, reopened) and its CSV and XLSX downloads of the filtered
ledger."""
import csv
import io
from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree as ET

import pytest
from openpyxl import load_workbook

from app.rectification.workflow import Step
from tests.rectification import public_data

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def tasks(session, ledger):
    built = public_data.build(session, ledger)
    now = datetime.now(timezone.utc)
    public_data.event(session, built["in_notice"], Step.START_NOTICE.value, at=now - timedelta(days=2))
    public_data.event(session, built["closed"], Step.START_NOTICE.value, at=now - timedelta(days=12))
    public_data.event(session, built["closed"], Step.CLOSE.value, at=now - timedelta(days=3))
    public_data.event(session, built["reported_done"], Step.REOPEN.value, at=now - timedelta(days=1),
                      note="整改不彻底")
    public_data.event(session, built["on_time"], Step.APPLY_CLOSURE.value)      # not a feed step
    public_data.event(session, built["late"], Step.CLOSE.value, public=False)    # not public
    public_data.event(session, built["draft"], Step.CLOSE.value)                 # a draft round's
    session.commit()
    return built


def parse_feed(client) -> ET.Element:
    response = client.get("/rectification/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def test_the_feed_is_atom_with_the_required_elements(client, tasks):
    feed = parse_feed(client)
    assert feed.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{tag}") is not None and feed.find(f"{ATOM}{tag}").text
    datetime.fromisoformat(feed.find(f"{ATOM}updated").text)
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    assert {link.get("rel") for link in feed.findall(f"{ATOM}link")} == {"alternate", "self"}
    for entry in feed.findall(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
        assert entry.find(f"{ATOM}title").text
        datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}link").get("href").startswith("http")
    ids = [entry.find(f"{ATOM}id").text for entry in feed.findall(f"{ATOM}entry")]
    assert len(ids) == len(set(ids))


def test_the_feed_tells_of_tasks_put_in_notice_closed_and_reopened_newest_first(client, tasks):
    entries = parse_feed(client).findall(f"{ATOM}entry")
    seen = [(entry.find(f"{ATOM}category").get("term"), entry.find(f"{ATOM}link").get("href").rsplit("/", 1)[1])
            for entry in entries]
    assert seen == [("Reopened", tasks["reported_done"].code), ("Put in public notice", tasks["in_notice"].code),
                    ("Closed", tasks["closed"].code), ("Put in public notice", tasks["closed"].code)]
    notice = entries[1]
    assert "Public notice from" in notice.find(f"{ATOM}summary").text
    assert tasks["in_notice"].code in notice.find(f"{ATOM}title").text


def test_the_feed_stays_the_same_entry_when_read_again(client, tasks):
    first = [e.find(f"{ATOM}id").text for e in parse_feed(client).findall(f"{ATOM}entry")]
    assert first == [e.find(f"{ATOM}id").text for e in parse_feed(client).findall(f"{ATOM}entry")]


def test_the_index_links_the_feed(client, tasks):
    html = client.get("/rectification/").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml" href="/rectification/feed.atom"' in html


def xlsx_rows(client, query: str) -> list[tuple]:
    response = client.get(f"/rectification/?{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_the_xlsx_download_opens_with_the_filtered_rows(client, tasks):
    rows = xlsx_rows(client, "status=behind&format=xlsx")
    header, body = rows[0], rows[1:]
    assert header[0] == "Code" and "Status" in header and "Deadline as listed" in header
    assert [row[0] for row in body] == sorted([tasks["late"].code, tasks["reported_behind"].code])
    status = header.index("Status")
    assert {row[status] for row in body} == {"Behind schedule"}
    assert body[0][header.index("Page")].endswith(f"/rectification/tasks/{body[0][0]}")


def test_the_xlsx_download_of_the_whole_ledger(client, tasks):
    rows = xlsx_rows(client, "format=xlsx")
    assert len(rows) == 1 + 8
    assert tasks["draft"].code not in {row[0] for row in rows}
    assert tasks["sub"].code not in {row[0] for row in rows}


def test_the_csv_download_has_the_filtered_rows_and_keeps_text_as_text(client, session, ledger, tasks):
    tasks["elsewhere"].problem_en = "=HYPERLINK(\"http://evil.example\")"
    session.commit()
    response = client.get("/rectification/?district=hills&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert [row[0] for row in body] == [tasks["elsewhere"].code]
    assert body[0][header.index("Problem")].startswith("'=")
    assert "hills" in response.headers["Content-Disposition"]


def test_an_unknown_download_format_is_not_found(client, tasks):
    assert client.get("/rectification/?format=pdf").status_code == 404
