"""The Open311 GeoReport v2 endpoints against the specification's request and response shapes: discovery,
services, service definitions, POST and GET requests, tokens, FixMyStreet's servicerequestupdates; every
error in the standard format; and no personal data, exact point or uncleared photo ever leaving."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.db_types import utcnow
from app.open311 import services as open311
from app.open311.models import ApiKey, ApiRequest
from app.tips import services as tips
from app.tips.models import Tip, TipCategory, TipEvent
from app.tips.workflow import Step
from tests import factories
from tests.open311.conftest import as_json, xml
from tests.tips.conftest import LATITUDE, LONGITUDE

V2 = "/open311/v2"
NAME, PHONE = "李雷", "13912345678"


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


def post_request(client, key, fmt="json", **changes):
    data = {"api_key": key, "service_code": "air", "lat": str(LATITUDE), "long": str(LONGITUDE),
            "description": "化工厂夜间排放黄色烟雾，气味刺鼻", "address_string": "和平大道100号"}
    data.update(changes)
    return client.post(f"{V2}/requests.{fmt}", data={k: v for k, v in data.items() if v is not None})


def audits(session, action):
    session.expire_all()
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def tip_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Tip.id)))


def error_of(response, fmt):
    if fmt == "json":
        [error] = as_json(response)
        return error["code"], error["description"]
    root = xml(response)
    assert root.tag == "errors"
    [error] = root.findall("error")
    return int(error.findtext("code")), error.findtext("description")


# Discovery.

def test_discovery_in_json_lists_the_production_endpoint(client):
    body = as_json(client.get(f"{V2}/discovery.json"))
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = body["endpoints"]
    assert endpoint == {"specification": "http://wiki.open311.org/GeoReport_v2", "url": "http://localhost/open311/v2",
                        "changeset": body["changeset"], "type": "production",
                        "formats": ["text/xml", "application/json"]}


def test_discovery_in_xml_has_the_same_fields(client):
    root = xml(client.get(f"{V2}/discovery.xml"))
    assert root.tag == "discovery"
    assert root.findtext("endpoints/endpoint/specification") == "http://wiki.open311.org/GeoReport_v2"
    assert root.findtext("endpoints/endpoint/type") == "production"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]
    assert root.findtext("key_service") and root.findtext("contact")


def test_an_unknown_format_is_not_found(client):
    assert client.get(f"{V2}/discovery.html").status_code == 404


# Services and definitions.

def test_services_list_one_service_per_active_top_level_category(client, session, city, subtype):
    session.add(TipCategory(code="old", name_zh_hans="旧类别", active=False))
    session.commit()
    body = as_json(client.get(f"{V2}/services.json?locale=en"))
    assert [s["service_code"] for s in body] == ["air", "water", "other"]
    air = body[0]
    assert air == {"service_code": "air", "service_name": "Air pollution", "metadata": True, "type": "realtime",
                   "keywords": "Black smoke", "group": "Pollution reports",
                   "description": f"Report Air pollution; handled by {city.home.name_en}."}
    assert body[1]["metadata"] is False  # no sub-types, and a single district needs no attribute


def test_services_in_xml(client, city, subtype):
    root = xml(client.get(f"{V2}/services.xml"))
    assert root.tag == "services"
    first = root.find("service")
    assert [child.tag for child in first] == ["service_code", "service_name", "description", "metadata", "type",
                                             "keywords", "group"]
    assert first.findtext("metadata") == "true" and first.findtext("type") == "realtime"


def test_service_names_follow_locale_or_accept_language(client, city):
    client.delete_cookie("lang")
    assert as_json(client.get(f"{V2}/services.json"))[0]["service_name"] == "大气污染"
    assert as_json(client.get(f"{V2}/services.json?locale=en_US"))[0]["service_name"] == "Air pollution"
    response = client.get(f"{V2}/services.json", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert as_json(response)[0]["service_name"] == "Air pollution"
    assert as_json(response)[0]["group"] == "Pollution reports"


def test_with_several_districts_every_service_has_metadata_for_the_district(client, session, city):
    factories.place(session, code="hongshan", name_zh_hans="洪山区")
    session.commit()
    assert all(s["metadata"] for s in as_json(client.get(f"{V2}/services.json")))


def test_a_service_definition_lists_the_sub_types_as_a_single_value_list(client, session, city, subtype):
    factories.place(session, code="hongshan", name_zh_hans="洪山区", name_en="Hongshan District")
    session.commit()
    body = as_json(client.get(f"{V2}/services/air.json"))
    assert body["service_code"] == "air"
    kinds, district, unit = body["attributes"]
    assert kinds == {"variable": True, "code": "subtype", "datatype": "singlevaluelist", "required": False,
                     "datatype_description": "One of the keys listed under values.", "order": 1,
                     "description": "Which kind, more precisely?",
                     "values": [{"key": "air-smoke", "name": "Black smoke"}]}
    assert district["code"] == "district" and district["required"] is True and district["order"] == 2
    assert {v["key"] for v in district["values"]} == {"wuchang", "hongshan"}
    assert unit["code"] == "reported_unit" and unit["datatype"] == "string" and unit["required"] is False


def test_a_service_definition_in_xml(client, city, subtype):
    root = xml(client.get(f"{V2}/services/air.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "air"
    attribute = root.find("attributes/attribute")
    assert [c.tag for c in attribute] == ["variable", "code", "datatype", "required", "datatype_description",
                                         "order", "description", "values"]
    assert attribute.findtext("values/value/key") == "air-smoke"
    assert attribute.findtext("values/value/name") == "Black smoke"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_or_sub_type_service_code_is_404(client, city, subtype, fmt):
    for code in ("nope", "air-smoke"):
        response = client.get(f"{V2}/services/{code}.{fmt}")
        assert response.status_code == 404
        assert error_of(response, fmt) == (404, f"service_code {code} not found.")


# POST requests: keys.

@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_request_without_a_key_or_with_an_unknown_one_is_403_and_audited(client, session, city, fmt):
    for key in (None, "not-a-key"):
        response = post_request(client, key, fmt)
        assert response.status_code == 403
        assert error_of(response, fmt) == (403, "Invalid api_key received -- can't proceed with create_request.")
    assert tip_count(session) == 0
    refused = audits(session, "open311.key_refused")
    assert len(refused) == 2 and "not-a-key" not in refused[-1].note


def test_a_key_works_until_it_is_revoked(client, session, staff, city, api_key):
    row, key = api_key
    assert post_request(client, key).status_code == 200
    open311.revoke_key(session, staff["admin"], session.get(ApiKey, row.id))
    session.commit()
    response = post_request(client, key)
    assert response.status_code == 403
    assert tip_count(session) == 1
    refused = audits(session, "open311.key_refused")
    assert refused[-1].object_id == str(row.id) and "revoked" in refused[-1].note


def test_the_key_may_come_in_the_query_string(client, session, city, api_key):
    data = {"service_code": "air", "address_string": "和平大道", "description": "夜间排放黑烟，气味刺鼻"}
    assert client.post(f"{V2}/requests.json?api_key={api_key[1]}", data=data).status_code == 200


def test_every_use_of_a_key_is_counted_and_audited(client, session, city, api_key):
    row, key = api_key
    post_request(client, key)
    post_request(client, key)
    session.expire_all()
    used = session.get(ApiKey, row.id)
    assert used.use_count == 2 and used.last_used_at is not None
    created = audits(session, "open311.request_create")
    assert len(created) == 2 and created[0].after["key_id"] == row.id and created[0].object_type == "tips"


def test_only_the_keys_hash_is_stored(session, api_key):
    row, key = api_key
    assert row.key_hash == open311.key_hash(key) and key not in row.key_hash
    assert row.prefix == key[:8]


# POST requests: success.

def test_a_post_creates_a_tip_through_the_tips_service(client, session, city, api_key):
    response = post_request(client, api_key[1])
    assert response.status_code == 200
    [body] = as_json(response)
    tip = session.scalar(select(Tip))
    assert body["service_request_id"] == tip.public_number
    assert body["account_id"] is None and "15 days" in body["service_notice"]
    assert tip.categories == [city.air] and tip.bureau_id == city.home.id and tip.district_id == city.district.id
    assert tip.anonymous and tip.reporter_name == "" and tip.reporter_phone == ""
    assert tip.latitude == LATITUDE and tip.address == "和平大道100号"
    assert [e.step for e in tip.events] == ["submitted"]
    link = session.scalar(select(ApiRequest))
    assert link.tip_id == tip.id and link.key_id == api_key[0].id and body["token"] == link.token


def test_a_post_answers_in_xml_as_the_specification_shows(client, session, city, api_key):
    root = xml(post_request(client, api_key[1], "xml"))
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request.findtext("service_request_id") == session.scalar(select(Tip)).public_number
    assert request.findtext("service_notice") and request.findtext("account_id") == ""


def test_a_post_needs_no_csrf_token(app, client, city, api_key):
    app.config["WTF_CSRF_ENABLED"] = True
    assert post_request(client, api_key[1]).status_code == 200


def test_the_sub_type_and_reported_unit_come_from_attributes(client, session, city, subtype, api_key):
    response = post_request(client, api_key[1], **{"attribute[subtype]": "air-smoke",
                                                   "attribute[reported_unit]": "某化工厂"})
    assert response.status_code == 200
    tip = session.scalar(select(Tip))
    assert {c.code for c in tip.categories} == {"air", "air-smoke"} and tip.reported_unit == "某化工厂"


def test_an_address_alone_is_enough(client, session, city, api_key):
    assert post_request(client, api_key[1], lat=None, long=None).status_code == 200
    assert session.scalar(select(Tip)).latitude is None


def test_a_point_alone_is_enough(client, session, city, api_key):
    assert post_request(client, api_key[1], address_string=None).status_code == 200
    assert session.scalar(select(Tip)).address == f"{LATITUDE}, {LONGITUDE}"


def test_the_district_comes_from_the_attribute_when_the_city_has_several(client, session, city, api_key):
    other = factories.place(session, code="hongshan", name_zh_hans="洪山区")
    session.commit()
    response = post_request(client, api_key[1])
    assert response.status_code == 400 and error_of(response, "json")[1] == "attribute[district] is required."
    assert post_request(client, api_key[1], **{"attribute[district]": "hongshan"}).status_code == 200
    assert session.scalar(select(Tip)).district_id == other.id


def test_name_and_phone_make_a_real_name_report_and_email_is_not_kept(client, session, city, api_key):
    response = post_request(client, api_key[1], first_name="雷", last_name="李", phone=PHONE,
                            email="lilei@example.com", device_id="abc", account_id="42")
    assert response.status_code == 200
    tip = session.scalar(select(Tip))
    assert not tip.anonymous and tip.reporter_name == NAME and tip.reporter_phone == PHONE
    assert all("lilei@example.com" not in (e.note or "") for e in tip.events)


def test_the_specifications_example_fields_we_do_not_use_are_ignored(client, session, city, api_key):
    response = post_request(client, api_key[1], jurisdiction_id="city.gov", **{"attribute[WHISHETN]": "123",
                                                                               "address_id": "545483"})
    assert response.status_code == 200 and tip_count(session) == 1


def test_western_names_keep_their_order(client, session, city, api_key):
    post_request(client, api_key[1], first_name="Jane", last_name="Doe", phone=PHONE)
    assert session.scalar(select(Tip)).reporter_name == "Jane Doe"


def test_a_name_without_a_phone_stays_anonymous(client, session, city, api_key):
    post_request(client, api_key[1], first_name="雷", last_name="李", email="lilei@example.com")
    tip = session.scalar(select(Tip))
    assert tip.anonymous and tip.reporter_name == ""


def test_a_media_url_is_kept_as_an_internal_note_and_never_fetched(client, session, city, api_key, monkeypatch):
    import urllib.request

    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("media_url was fetched"))
    post_request(client, api_key[1], media_url="http://example.org/photo/1.jpeg")
    tip = session.scalar(select(Tip))
    [note] = [e for e in tip.events if e.step == "note"]
    assert not note.public and "http://example.org/photo/1.jpeg" in note.note
    assert tip.photos == []


# POST requests: errors.

@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("changes, status, description", [
    ({"service_code": None}, 400, "service_code was not provided."),
    ({"service_code": "nope"}, 404, "service_code nope not found."),
    ({"lat": None, "long": None, "address_string": None}, 400, "Give lat and long, or address_string."),
    ({"lat": "north", "address_string": None}, 400, "lat must be a decimal number."),
    ({"lat": "0", "long": "0"}, 400, "lat: This point is outside the city."),
    ({"description": "污" * 4001}, 400, "description: Describe the problem in at most 4000 characters."),
    ({"attribute[subtype]": "water"}, 400, "attribute[subtype] must be one of the listed values."),
    ({"attribute[district]": "atlantis"}, 400, "attribute[district] must be one of the listed values."),
    ({"phone": "call me", "first_name": "雷"}, 400, "phone: Enter a phone number of digits only."),
])
def test_bad_requests_get_the_standard_error_and_save_nothing(client, session, city, subtype, api_key, fmt,
                                                              changes, status, description):
    response = post_request(client, api_key[1], fmt, **changes)
    assert response.status_code == status
    assert error_of(response, fmt) == (status, description)
    assert tip_count(session) == 0 and session.scalar(select(func.count(ApiRequest.id))) == 0


@pytest.mark.parametrize("description", [None, "", "脏", "污" * 4000])
def test_the_description_is_optional_and_may_have_4000_characters(client, session, city, api_key, description):
    response = post_request(client, api_key[1], description=description)
    assert response.status_code == 200, response.get_data(as_text=True)
    [tip] = session.scalars(select(Tip)).all()
    assert tip.description == (description or "")


def test_errors_come_in_the_requested_language(client, city, api_key):
    response = post_request(client, api_key[1], description="污" * 4001, locale="zh_Hans")
    assert error_of(response, "json")[1].startswith("description: ")
    assert "Describe" not in error_of(response, "json")[1]


# Tokens.

@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_token_leads_to_the_request_id(client, session, city, api_key, fmt):
    token = as_json(post_request(client, api_key[1]))[0]["token"]
    number = session.scalar(select(Tip)).public_number
    response = client.get(f"{V2}/tokens/{token}.{fmt}")
    if fmt == "json":
        assert as_json(response) == [{"service_request_id": number, "token": token}]
    else:
        assert xml(response).findtext("request/service_request_id") == number
    missing = client.get(f"{V2}/tokens/nope.{fmt}")
    assert missing.status_code == 404 and error_of(missing, fmt)[0] == 404


# GET requests.

def concluded_named_tip(session, staff, report, city, photo_dir):
    """A real-name tip, accepted, assigned, investigated and concluded, with one cleared and one hidden photo."""
    from tests.tips.conftest import image_bytes

    photos = [tips.process_photo(image_bytes(), 3_000_000), tips.process_photo(image_bytes(), 3_000_000)]
    tip, _code = report(anonymous=False, name=NAME, phone=PHONE, latitude=LATITUDE, longitude=LONGITUDE,
                        description=f"我是{NAME}，电话{PHONE}，工厂排烟", photos=photos, upload_dir=photo_dir,
                        address="和平大道100号3栋")
    admin, rules = staff["admin"], tips.Rules()
    tips.take_step(session, admin, tip, Step.ACCEPT, rules, note=f"已联系{NAME}")
    tips.take_step(session, admin, tip, Step.ASSIGN, rules, bureau=city.home)
    tips.take_step(session, admin, tip, Step.INVESTIGATE, rules)
    tips.take_step(session, admin, tip, Step.CONCLUDE, rules, findings="属实", reply="已责令整改，罚款五万元")
    tips.clear_photo(session, admin, tip.photos[0], True)
    session.commit()
    return tip


def test_a_request_shows_public_facts_only(client, session, staff, report, city, photo_dir):
    tip = concluded_named_tip(session, staff, report, city, photo_dir)
    [body] = as_json(client.get(f"{V2}/requests/{tip.public_number}.json"))
    assert body["service_request_id"] == tip.public_number and body["status"] == "open"
    assert body["status_notes"] == "Concluded: 已责令整改，罚款五万元"
    assert body["service_code"] == "air" and body["service_name"] == "Air pollution"
    assert body["agency_responsible"] == city.home.name_en
    assert body["description"] == ""
    assert body["address"] == "Wuchang District 和平大道"
    assert body["lat"] == 30.55 and body["long"] == 114.33
    assert body["media_url"] == f"http://localhost/tips/photos/{tip.photos[0].id}"
    assert body["requested_datetime"].endswith("Z") and body["updated_datetime"].endswith("Z")
    assert body["expected_datetime"] is None  # concluded: no deadline runs
    assert set(body) == {"service_request_id", "status", "status_notes", "service_name", "service_code",
                         "description", "agency_responsible", "service_notice", "requested_datetime",
                         "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
                         "long", "media_url"}


def test_no_personal_data_leaves_through_any_endpoint(client, session, staff, report, city, photo_dir, api_key):
    tip = concluded_named_tip(session, staff, report, city, photo_dir)
    as_json(post_request(client, api_key[1], first_name="雷", last_name="李", phone="13700000000",
                         email="lilei@example.com"))
    urls = ["discovery", "services", "services/air", "requests", f"requests/{tip.public_number}",
            "servicerequestupdates"]
    for url in urls:
        for fmt in ("xml", "json"):
            text = client.get(f"{V2}/{url}.{fmt}").get_data(as_text=True)
            for secret in (NAME, PHONE, "13700000000", "lilei@example.com", "30.553108", "114.334517", "100号",
                           "3栋", "工厂排烟", "属实", f"photos/{tip.photos[1].id}"):
                assert secret not in text, (url, fmt, secret)


def test_a_request_in_xml_has_the_specifications_elements_in_order(client, session, report):
    tip, _code = report(latitude=LATITUDE, longitude=LONGITUDE)
    request = xml(client.get(f"{V2}/requests/{tip.public_number}.xml")).find("request")
    assert [c.tag for c in request] == ["service_request_id", "status", "status_notes", "service_name",
                                       "service_code", "description", "agency_responsible", "service_notice",
                                       "requested_datetime", "updated_datetime", "expected_datetime", "address",
                                       "address_id", "zipcode", "lat", "long", "media_url"]
    assert request.findtext("lat") == "30.55" and request.findtext("media_url") == ""
    assert request.findtext("expected_datetime").endswith("T15:59:59Z")  # end of the acceptance day in Beijing


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("number", ["2026-999999", "1999-000001", "garbage"])
def test_an_unknown_request_id_is_404(client, report, fmt, number):
    report()
    response = client.get(f"{V2}/requests/{number}.{fmt}")
    assert response.status_code == 404
    assert error_of(response, fmt) == (404, f"service_request_id {number} not found.")


def test_the_list_defaults_to_the_last_90_days_newest_first(client, session, report):
    now = utcnow()
    old, _ = report(now=now - timedelta(days=91))
    older, _ = report(now=now - timedelta(days=30))
    new, _ = report(now=now - timedelta(days=1))
    body = as_json(client.get(f"{V2}/requests.json"))
    assert [r["service_request_id"] for r in body] == [new.public_number, older.public_number]


def test_service_request_ids_override_the_other_filters(client, session, report):
    old, _ = report(now=utcnow() - timedelta(days=200))
    new, _ = report()
    url = f"{V2}/requests.json?service_request_id={old.public_number},{new.public_number},nope&status=closed"
    assert {r["service_request_id"] for r in as_json(client.get(url))} == {old.public_number, new.public_number}


def test_the_service_code_filter_takes_a_list_and_sub_types(client, session, city, subtype, report):
    air, _ = report(categories=[subtype])
    water, _ = report(categories=[city.water])
    other, _ = report(categories=[city.other])
    assert [r["service_request_id"] for r in as_json(client.get(f"{V2}/requests.json?service_code=air"))] == [
        air.public_number]
    body = as_json(client.get(f"{V2}/requests.json?service_code=air,water"))
    assert {r["service_request_id"] for r in body} == {air.public_number, water.public_number}
    assert as_json(client.get(f"{V2}/requests.json?service_code=air"))[0]["service_code"] == "air"


def test_the_status_filter(client, session, staff, report):
    open_tip, _ = report()
    closed, _ = report()
    tips.take_step(session, staff["admin"], closed, Step.REJECT, tips.Rules(), note="不属于本平台受理范围，请拨打12345")
    session.commit()
    ids = lambda url: [r["service_request_id"] for r in as_json(client.get(url))]  # noqa: E731
    assert ids(f"{V2}/requests.json?status=open") == [open_tip.public_number]
    assert ids(f"{V2}/requests.json?status=closed") == [closed.public_number]
    assert len(ids(f"{V2}/requests.json?status=open,closed")) == 2
    [body] = as_json(client.get(f"{V2}/requests.json?status=closed"))
    assert body["status_notes"] == "Not accepted: 不属于本平台受理范围，请拨打12345"


def test_the_date_filters(client, session, report):
    now = utcnow()
    a, _ = report(now=now - timedelta(days=200))
    b, _ = report(now=now - timedelta(days=150))
    start = (now - timedelta(days=210)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - timedelta(days=160)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = as_json(client.get(f"{V2}/requests.json?start_date={start}&end_date={end}"))
    assert [r["service_request_id"] for r in body] == [a.public_number]
    body = as_json(client.get(f"{V2}/requests.json?start_date={start}"))
    assert {r["service_request_id"] for r in body} == {a.public_number, b.public_number}


def test_page_size_and_page(client, session, report):
    made = [report(now=utcnow() - timedelta(minutes=n))[0].public_number for n in range(3)]
    assert [r["service_request_id"] for r in as_json(client.get(f"{V2}/requests.json?page_size=2"))] == made[:2]
    assert [r["service_request_id"] for r in as_json(client.get(f"{V2}/requests.json?page_size=2&page=2"))] == \
        made[2:]


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("query, description", [
    ("status=pending", "status must be open, closed, or both."),
    ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
     "The range from start_date to end_date may not span more than 90 days."),
    ("start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", "start_date must be before end_date."),
    ("end_date=tomorrow", "end_date must be a w3 date-time with a time zone, e.g. 2026-09-28T02:00:00Z."),
    ("page_size=1001", "page must be 1 or more and page_size between 1 and 1000."),
    ("page=x", "page and page_size must be whole numbers."),
])
def test_bad_filters_are_400(client, fmt, query, description):
    response = client.get(f"{V2}/requests.{fmt}?{query}")
    assert response.status_code == 400
    assert error_of(response, fmt) == (400, description)


def test_an_empty_list_is_an_empty_document(client):
    assert as_json(client.get(f"{V2}/requests.json")) == []
    root = xml(client.get(f"{V2}/requests.xml"))
    assert root.tag == "service_requests" and list(root) == []


# FixMyStreet's servicerequestupdates.

def test_updates_are_the_public_timeline(client, session, staff, report, city, photo_dir):
    tip = concluded_named_tip(session, staff, report, city, photo_dir)
    body = as_json(client.get(f"{V2}/servicerequestupdates.json"))
    public = session.scalars(select(TipEvent).where(TipEvent.tip_id == tip.id, TipEvent.public.is_(True))
                             .order_by(TipEvent.id)).all()
    assert [u["update_id"] for u in body] == [str(e.id) for e in public]
    assert {u["service_request_id"] for u in body} == {tip.public_number}
    assert set(body[0]) == {"update_id", "service_request_id", "status", "updated_datetime", "description",
                            "media_url"}
    assert body[0]["description"] == "Report received" and body[0]["media_url"] == ""
    assert body[-1]["description"] == "Concluded: 已责令整改，罚款五万元"
    assert body[-1]["media_url"] == f"http://localhost/tips/photos/{tip.photos[0].id}"
    assert all(NAME not in u["description"] for u in body)  # the internal note named the reporter


def test_updates_in_xml_and_the_status_after_each(client, session, staff, report):
    tip, _ = report()
    tips.take_step(session, staff["admin"], tip, Step.REJECT, tips.Rules(), note="请向12345反映")
    session.commit()
    root = xml(client.get(f"{V2}/servicerequestupdates.xml"))
    assert root.tag == "service_request_updates"
    updates = root.findall("request_update")
    assert [u.findtext("status") for u in updates] == ["open", "closed"]
    assert [c.tag for c in updates[0]] == ["update_id", "service_request_id", "status", "updated_datetime",
                                          "description", "media_url"]


def test_a_merge_closes_the_request_in_its_update(client, session, staff, report):
    tip, _ = report()
    into, _ = report(description="另一份关于同一化工厂的举报")
    tips.merge_tip(session, staff["admin"], tip, into, tips.Rules())
    session.commit()
    body = as_json(client.get(f"{V2}/servicerequestupdates.json"))
    mine = [u for u in body if u["service_request_id"] == tip.public_number]
    assert [u["status"] for u in mine] == ["open", "closed"]
    assert mine[-1]["description"].startswith("Handled together with another report")


def test_publishing_a_closed_case_on_the_exposure_board_keeps_it_closed(client, session, staff, report):
    tip, _ = report()
    rules = tips.Rules()
    for step, values in ((Step.ACCEPT, {}), (Step.ASSIGN, {"bureau": tip.bureau}), (Step.INVESTIGATE, {}),
                         (Step.CONCLUDE, {"findings": "属实", "reply": "已整改"}), (Step.CLOSE, {})):
        tips.take_step(session, staff["admin"], tip, step, rules, **values)
    tips.publish_exposure(session, staff["admin"], tip, "化工厂夜间排放", "已责令整改")
    session.commit()
    body = as_json(client.get(f"{V2}/servicerequestupdates.json"))
    assert [u["status"] for u in body] == ["open"] * 5 + ["closed", "closed"]
    assert body[-1]["description"] == "Published on the exposure board"


def test_the_newest_updates_are_not_cut_off_and_older_ones_come_by_page(client, session, staff, report):
    tip, _ = report()
    base = utcnow() - timedelta(days=1)
    for _index, event in enumerate(tip.events):
        event.at = base
    for minutes in range(1, 6):  # five more public entries, one a minute
        tips.add_public_comment(session, tip, f"第{minutes}条", actor=staff["admin"], public=True).at = \
            base + timedelta(minutes=minutes)
    session.commit()
    newest = as_json(client.get(f"{V2}/servicerequestupdates.json?page_size=2"))
    assert [u["description"] for u in newest] == ["Comment from the public: 第4条", "Comment from the public: 第5条"]
    before = as_json(client.get(f"{V2}/servicerequestupdates.json?page_size=2&page=2"))
    assert [u["description"] for u in before] == ["Comment from the public: 第2条", "Comment from the public: 第3条"]
    last = as_json(client.get(f"{V2}/servicerequestupdates.json?page_size=2&page=3"))
    assert [u["description"] for u in last] == ["Report received", "Comment from the public: 第1条"]
    assert as_json(client.get(f"{V2}/servicerequestupdates.json?page_size=2&page=4")) == []
    end = (base + timedelta(minutes=3, seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    start = (base - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    window = as_json(client.get(f"{V2}/servicerequestupdates.json?page_size=2&start_date={start}&end_date={end}"))
    assert [u["description"] for u in window] == ["Comment from the public: 第2条", "Comment from the public: 第3条"]
    assert client.get(f"{V2}/servicerequestupdates.json?page_size=1001").status_code == 400


def test_updates_take_a_date_window(client, session, report):
    tip, _ = report(now=utcnow() - timedelta(days=10))
    tip.events[0].at = tip.submitted_at
    session.commit()
    start = (utcnow() - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert as_json(client.get(f"{V2}/servicerequestupdates.json?start_date={start}")) == []
    bad = client.get(f"{V2}/servicerequestupdates.xml?start_date=2020-01-01T00:00:00Z&end_date=2021-01-01T00:00:00Z")
    assert bad.status_code == 400 and error_of(bad, "xml")[0] == 400


# Rate limits in the standard format.

def test_the_api_is_rate_limited_with_the_standard_error(database_url, tmp_path):
    from app import create_app
    from tests.conftest import IsolatedClient, base_config

    config = base_config(database_url) | {"RATELIMIT_ENABLED": True, "OPEN311_RATE_LIMIT": "2 per minute",
                                          "UPLOAD_DIR": str(tmp_path)}
    app = create_app(config)
    app.test_client_class = IsolatedClient
    client = app.test_client()
    statuses = [client.get(f"{V2}/discovery.json").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get(f"{V2}/discovery.json")
    assert error_of(response, "json")[0] == 429
    with app.app_context():
        from app.extensions import db, limiter

        limiter.reset()
        db.engine.dispose()


# Unknown resources and methods.

@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_resource_is_404_in_the_standard_format(client, fmt):
    response = client.get(f"{V2}/nothing/here.{fmt}")
    assert response.status_code == 404
    assert error_of(response, fmt) == (404, "There is no such resource in the Open311 API.")


def test_a_wrong_method_is_405_in_the_standard_format(client):
    response = client.delete(f"{V2}/services.json")
    assert response.status_code == 405 and response.headers["Allow"] == "GET"
    assert error_of(response, "json") == (405, "Use GET here.")
    response = client.put(f"{V2}/requests.xml")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, POST"
