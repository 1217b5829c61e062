"""The pure part of Open311: documents in the specification's XML and JSON shapes, w3 dates, the 90-day
window, and the redactions (street-level addresses, rounded coordinates)."""
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest

from app.open311.formats import (Open311Error, date_range, end_of_day, parse_w3c, public_coordinate, render,
                                 render_errors, split_list, street_level, to_xml, w3c)

NOW = datetime(2026, 9, 28, 2, 0, tzinfo=timezone.utc)


def parse(text: str) -> ElementTree.Element:
    head, body = text.split("\n", 1)
    assert head == '<?xml version="1.0" encoding="UTF-8"?>'
    return ElementTree.fromstring(body)


def test_the_error_list_has_the_specifications_shape_in_xml_and_json():
    error = Open311Error(403, "Invalid api_key received -- can't proceed with create_request.")
    root = parse(render_errors("xml", error))
    assert root.tag == "errors"
    [item] = root.findall("error")
    assert item.findtext("code") == "403"
    assert item.findtext("description") == "Invalid api_key received -- can't proceed with create_request."
    assert json.loads(render_errors("json", error)) == [
        {"code": 403, "description": "Invalid api_key received -- can't proceed with create_request."}]


def test_several_errors_are_listed_together():
    error = Open311Error(400, "a", "b")
    assert [e.findtext("description") for e in parse(render_errors("xml", error))] == ["a", "b"]
    assert len(json.loads(render_errors("json", error))) == 2


def test_lists_inside_a_document_take_the_specifications_item_names():
    body = {"service_code": "DMV66", "attributes": [{"variable": True, "code": "WHISHETN", "datatype":
            "singlevaluelist", "required": True, "datatype_description": None, "order": 1,
            "description": "What is the ticket/tag/DL number?", "values": [{"key": 123, "name": "Ford"}]}]}
    root = parse(to_xml("service_definition", body))
    attribute = root.find("attributes/attribute")
    assert attribute.findtext("variable") == "true" and attribute.findtext("required") == "true"
    assert attribute.findtext("datatype_description") == ""
    assert attribute.find("values/value/key").text == "123"
    assert attribute.find("values/value/name").text == "Ford"
    discovery = parse(to_xml("discovery", {"endpoints": [{"formats": ["text/xml", "application/json"]}]}))
    assert [f.text for f in discovery.findall("endpoints/endpoint/formats/format")] == ["text/xml",
                                                                                          "application/json"]


def test_a_list_document_repeats_its_item_element_and_json_is_a_plain_array():
    rows = [{"service_request_id": "2026-000001", "lat": Decimal("30.553")}, {"service_request_id": "2026-000002"}]
    root = parse(render("xml", "service_requests", rows, "request"))
    assert root.tag == "service_requests" and len(root.findall("request")) == 2
    assert json.loads(render("json", "service_requests", rows, "request"))[0]["lat"] == 30.553


def test_text_is_escaped_in_xml_and_unicode_kept_in_json():
    text = render("xml", "services", [{"service_name": "<b>大气 & 水</b>"}], "service")
    assert "&lt;b&gt;大气 &amp; 水&lt;/b&gt;" in text
    assert "大气" in render("json", "services", [{"service_name": "大气"}], "service")


def test_times_go_out_in_utc_with_a_z():
    beijing = datetime(2026, 9, 28, 10, 0, 30, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert w3c(beijing) == "2026-09-28T02:00:30Z"
    assert w3c(None) is None


def test_a_due_date_is_the_end_of_that_day_in_the_city():
    assert end_of_day(date(2026, 10, 13), ZoneInfo("Asia/Shanghai")) == datetime(2026, 10, 13, 15, 59, 59,
                                                                                  tzinfo=timezone.utc)
    assert end_of_day(None, ZoneInfo("Asia/Shanghai")) is None


@pytest.mark.parametrize("text, expected", [
    ("2026-09-28T02:00:00Z", NOW),
    ("2026-09-28T10:00:00+08:00", NOW),
    ("2026-09-28T10:00:00 08:00", NOW),  # a '+' decoded as a space in a query string
    ("2026-09-28T02:00:00.5z", NOW + timedelta(microseconds=500000)),
    ("2026-09-28", datetime(2026, 9, 28, tzinfo=timezone.utc)),
])
def test_w3_dates_are_read(text, expected):
    assert parse_w3c(text, "start_date") == expected


@pytest.mark.parametrize("text", ["2026-09-28T02:00:00", "yesterday", "2026-13-01T00:00:00Z", "", "1727488800"])
def test_other_dates_are_refused_with_400(text):
    with pytest.raises(Open311Error) as caught:
        parse_w3c(text, "start_date")
    assert caught.value.status == 400 and "start_date" in caught.value.descriptions[0]


def test_the_window_defaults_to_the_last_90_days():
    assert date_range(None, None, NOW) == (NOW - timedelta(days=90), NOW)


def test_an_end_alone_looks_90_days_back_and_a_start_alone_90_days_forward_at_most():
    assert date_range(None, "2026-06-01T00:00:00Z", NOW)[0] == datetime(2026, 3, 3, tzinfo=timezone.utc)
    assert date_range("2026-01-01T00:00:00Z", None, NOW)[1] == datetime(2026, 4, 1, tzinfo=timezone.utc)
    assert date_range("2026-09-01T00:00:00Z", None, NOW)[1] == NOW


def test_a_window_of_exactly_90_days_is_allowed_and_a_longer_one_refused():
    assert date_range("2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z", NOW)
    with pytest.raises(Open311Error, match="90 days"):
        date_range("2026-01-01T00:00:00Z", "2026-04-01T00:00:01Z", NOW)


def test_a_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(Open311Error, match="before"):
        date_range("2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z", NOW)


def test_comma_lists_drop_blanks():
    assert split_list(" open, ,closed,") == ["open", "closed"]
    assert split_list(None) == []


def test_coordinates_are_rounded_to_about_a_kilometre():
    assert public_coordinate(Decimal("30.553108")) == Decimal("30.55")
    assert public_coordinate(Decimal("114.334517")) == Decimal("114.33")
    assert public_coordinate(None) is None


@pytest.mark.parametrize("address, street", [
    ("和平大道100号", "和平大道"),
    ("和平大道100号3栋2单元501室", "和平大道"),
    ("中山路８８号", "中山路"),
    ("光明小区#12", "光明小区"),
    ("12 Peace Road, flat 3", "Peace Road"),
    ("东湖公园北门", "东湖公园北门"),
    ("30.553108, 114.334517", ""),
])
def test_addresses_are_cut_to_the_street(address, street):
    assert street_level(address) == street


def test_the_status_after_each_entry_is_the_last_status_changing_one_up_to_it():
    from types import SimpleNamespace

    from app.open311.documents import status_after

    steps = ["submitted", "accept", "assign", "investigate", "conclude", "rated_unsatisfied", "conclude", "close",
             "exposed", "exposure_withdrawn", "comment"]
    timeline = [SimpleNamespace(id=i, step=step) for i, step in enumerate(steps, 1)]
    assert [status_after(timeline, e) for e in timeline] == ["open"] * 7 + ["closed"] * 4
    merged = [SimpleNamespace(id=1, step="submitted"), SimpleNamespace(id=2, step="merge"),
              SimpleNamespace(id=3, step="reward")]
    assert [status_after(merged, e) for e in merged] == ["open", "closed", "closed"]
    rejected = [SimpleNamespace(id=2, step="reject"), SimpleNamespace(id=1, step="submitted")]  # any order in
    assert status_after(rejected, rejected[0]) == "closed" and status_after(rejected, rejected[1]) == "open"


def test_a_review_the_reporter_asks_for_opens_a_closed_request_again():
    """信访工作条例 arts. 35–36: a review (复查) or re-review (复核) reopens the case, even after the office closed
    it; the opinion keeps it open until a final rating or the office closes it again."""
    from types import SimpleNamespace

    from app.open311.documents import status_after

    steps = ["submitted", "accept", "assign", "investigate", "conclude", "close", "review_requested",
             "review_answered", "re_review_requested", "re_review_answered", "rated_satisfied"]
    timeline = [SimpleNamespace(id=i, step=step) for i, step in enumerate(steps, 1)]
    assert [status_after(timeline, e) for e in timeline] == ["open"] * 5 + ["closed"] + ["open"] * 4 + ["closed"]
