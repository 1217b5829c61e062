"""Tip pages: the public report form, the private status page with its rating, the redacted public list and
photos; the handlers' queue and case page, the audited look at the reporter, and the holiday calendar."""
import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import current_app
from PIL import Image
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.db_types import utcnow
from app.errors import ActionRefused
from app.casework import codes
from app.tips import services
from app.tips.models import Tip, TipCategory, TipPhoto
from app.tips.services import Rules
from app.tips.workflow import Step, TipState
from app.workdays.days import add_days
from app.workdays.models import CalendarDay, overrides
from tests.pages import form_defaults
from tests.tips.conftest import LATITUDE, LONGITUDE, PDF, image_bytes, jpeg_with_gps

HTMX = {"HX-Request": "true"}
BEIJING = ZoneInfo("Asia/Shanghai")
DESCRIPTION = "化工厂夜间排放黄色烟雾，气味刺鼻"
ADDRESS = "和平大道100号"


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


def report_form(city, **changes) -> dict:
    data = {"categories": [str(city.air.id)], "description": DESCRIPTION, "district": str(city.district.id),
            "address": ADDRESS, "identity": "anonymous", "consent": "y"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def send_report(client, csrf, city, *, token=True, **changes):
    data = report_form(city, **changes)
    if token:
        data["csrf_token"] = csrf.token(client, "/tips/new")
    return client.post("/tips/new", data=data, content_type="multipart/form-data")


def tip_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Tip.id)))


def audits(session, action):
    session.expire_all()
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def follow(client, response) -> str:
    assert response.status_code == 303, response.status_code
    return client.get(response.headers["Location"]).get_data(as_text=True)


def walk(session, staff, tip, *steps):
    """Take steps through the service as the admin (office steps) or the home handler."""
    for step in steps:
        actor = staff["admin"] if step in (Step.ACCEPT, Step.ASSIGN, Step.CLOSE) else staff["tip_handler"]
        services.take_step(session, actor, tip, step, Rules(), bureau=staff["bureaus"]["home"], findings="现场属实",
                           reply="已责令整改", finding="substantiated")
    session.commit()


def local_input(moment: datetime) -> str:
    """A datetime-local value as a browser in Beijing sends it."""
    return moment.astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M")


# The report form

def test_the_report_form_offers_the_active_categories_and_the_districts(client, city):
    html = client.get("/tips/new").get_data(as_text=True)
    assert "Air pollution" in html and "Water pollution" in html and "Wuchang District" in html
    assert 'enctype="multipart/form-data"' in html and 'name="csrf_token"' in html


def test_a_report_is_stored_and_its_tracking_code_is_shown_only_once(client, csrf, session, city):
    response = send_report(client, csrf, city, reported_unit="某化工厂", latitude=str(LATITUDE),
                           longitude=str(LONGITUDE))
    assert response.status_code == 303 and response.headers["Location"] == "/tips/submitted"
    html = client.get("/tips/submitted").get_data(as_text=True)
    code = re.search(r'<code id="tracking-code"[^>]*>([0-9A-Z-]{19})</code>', html).group(1)
    assert f"/tips/track/{code}" in html
    again = client.get("/tips/submitted")
    assert again.status_code == 302 and again.headers["Location"] == "/tips/track"
    assert code not in again.get_data(as_text=True)
    session.expire_all()
    tip = session.scalar(select(Tip))
    assert tip.code_hash == codes.digest(code, current_app.config["SECRET_KEY"]) and tip.state == TipState.SUBMITTED
    assert (tip.description, tip.address, tip.reported_unit) == (DESCRIPTION, ADDRESS, "某化工厂")
    assert (tip.latitude, tip.longitude) == (LATITUDE, LONGITUDE) and tip.bureau_id == city.home.id
    assert tip.anonymous and tip.reporter_name == "" and tip.accept_due == add_days(
        tip.submitted_at.astimezone(BEIJING).date(), 15, working=False, overrides={})


def test_an_anonymous_report_drops_a_name_typed_before_switching_to_anonymous(client, csrf, session, city):
    response = send_report(client, csrf, city, identity="anonymous", reporter_name="李四", reporter_phone="13900000000")
    assert response.status_code == 303
    tip = session.scalar(select(Tip))
    assert tip.anonymous and tip.reporter_name == "" and tip.reporter_phone == ""


def test_a_named_report_keeps_the_name_and_phone(client, csrf, session, city):
    response = send_report(client, csrf, city, identity="named", reporter_name="张三", reporter_phone="138 0000 0000")
    assert response.status_code == 303
    tip = session.scalar(select(Tip))
    assert not tip.anonymous and (tip.reporter_name, tip.reporter_phone) == ("张三", "138 0000 0000")


def test_the_kinds_are_one_fieldset_with_sub_types_under_their_kind_and_no_box_is_required(client, session, city):
    smoke = TipCategory(code="air-smoke", name_zh_hans="工厂排放烟尘", name_en="Factory smoke", parent_id=city.air.id,
                        bureau_id=city.home.id, sort_order=9)
    session.add(smoke)
    session.commit()
    html = client.get("/tips/new").get_data(as_text=True)
    group = re.search(r'<fieldset class="field checkbox-group" id="categories">.*?</fieldset>', html, re.S).group(0)
    assert "<legend>What kind of pollution? (one or more)</legend>" in group
    boxes = re.findall(r'<input[^>]*name="categories"[^>]*>', group)
    assert len(boxes) == 4 and not any("required" in box for box in boxes)
    assert 'for="categories"' not in html  # no label pointing at the group
    # The sub-type is listed inside its kind's item, after the kind's own box.
    air_item = re.search(rf'<li><span class="field-check"><input[^>]*value="{city.air.id}"[^>]*>.*?</li>\s*</ul>',
                         group, re.S).group(0)
    assert "Factory smoke" in air_item and "Water pollution" not in air_item


def test_the_name_and_phone_are_marked_as_only_for_a_report_with_your_name(client, city):
    html = client.get("/tips/new").get_data(as_text=True)
    named = re.search(r'<fieldset[^>]*data-shown-by="identity:named"[^>]*>.*?</fieldset>', html, re.S).group(0)
    assert "Only for a report with your name" in named
    assert 'name="reporter_name"' in named and 'name="reporter_phone"' in named


def test_a_phone_typed_before_switching_to_anonymous_is_ignored_not_checked(client, csrf, session, city):
    response = send_report(client, csrf, city, identity="anonymous", reporter_name="李四", reporter_phone="call me")
    assert response.status_code == 303
    tip = session.scalar(select(Tip))
    assert tip.anonymous and tip.reporter_name == "" and tip.reporter_phone == ""


def test_a_resident_who_ticks_one_kind_and_leaves_the_optional_fields_as_offered_can_send(client, session, city):
    data = form_defaults(client.get("/tips/new").get_data(as_text=True), "/tips/new")
    assert data["identity"] == ["anonymous"] and data["reporter_name"] == [""] and "categories" not in data
    data.update(categories=[str(city.water.id)], description=DESCRIPTION, district=str(city.district.id),
                address=ADDRESS, consent="y")
    response = client.post("/tips/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    assert [c.code for c in session.scalar(select(Tip)).categories] == ["water"]


def test_a_photo_with_a_report_is_stored_without_its_exif(client, csrf, session, city, photo_dir):
    response = send_report(client, csrf, city, photos=[(io.BytesIO(jpeg_with_gps()), "IMG_0001.jpg", "image/jpeg")])
    assert response.status_code == 303
    [photo] = session.scalar(select(Tip)).photos
    stored = (Path(photo_dir) / photo.stored_name).read_bytes()
    assert photo.kind == "jpeg" and not photo.cleared
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {} and b"PhoneMaker" not in stored
    assert "IMG_0001" not in photo.stored_name


def test_a_time_noticed_in_the_past_is_accepted(client, csrf, session, city):
    response = send_report(client, csrf, city, observed_at=local_input(utcnow() - timedelta(days=1)))
    assert response.status_code == 303
    assert session.scalar(select(Tip)).observed_at is not None


def test_a_time_noticed_an_hour_ago_in_beijing_is_accepted_and_stored_as_that_moment(client, csrf, session, city):
    noticed = (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0)
    response = send_report(client, csrf, city, observed_at=local_input(noticed))
    assert response.status_code == 303
    assert session.scalar(select(Tip)).observed_at == noticed


BAD_REPORTS = [
    ("empty description", {"description": ""}, ["Describe the problem."]),
    ("two-character description", {"description": "冒烟"}, ["Describe the problem in 5 to 3000 characters."]),
    ("too long a description", {"description": "烟" * 3001}, ["Describe the problem in 5 to 3000 characters."]),
    ("no category", {"categories": None}, ["Choose at least one kind of pollution."]),
    ("no district", {"district": "0"}, ["Choose the district."]),
    ("no address", {"address": ""}, ["Say where it is."]),
    ("a time in the future", {"observed_at": "FUTURE"}, ["The time you noticed it cannot be in the future."]),
    ("a point outside the city", {"latitude": "39.904200", "longitude": "116.407400"},
     ["This point is outside the city."]),
    ("only a latitude", {"latitude": "30.55"}, ["Give both latitude and longitude, or neither."]),
    ("only a longitude", {"longitude": "114.3"}, ["Give both latitude and longitude, or neither."]),
    ("named without name or phone", {"identity": "named"},
     ["Give your name, or choose to report anonymously.", "Give a phone number so the bureau can reach you"]),
    ("a phone that is not a number", {"identity": "named", "reporter_name": "张三", "reporter_phone": "call me"},
     ["Enter a phone number of digits only."]),
    ("no consent", {"consent": None}, ["Please read the privacy notice and tick the box."]),
]


@pytest.mark.parametrize("case, changes, messages", BAD_REPORTS, ids=[c[0] for c in BAD_REPORTS])
def test_bad_input_is_shown_again_with_the_text_typed_and_nothing_is_stored(client, csrf, session, city, case,
                                                                          changes, messages):
    if changes.get("observed_at") == "FUTURE":
        changes = {"observed_at": local_input(utcnow() + timedelta(days=2))}
    response = send_report(client, csrf, city, reported_unit="某化工厂", **changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in html
    for message in messages:
        assert message in html
    assert ADDRESS in html or "address" in changes
    assert "某化工厂" in html
    if "description" not in changes:
        assert DESCRIPTION in html
    assert tip_count(session) == 0


@pytest.mark.parametrize("changes", [{"description": "      "}, {"description": "  a    "}, {"address": "    "}],
                         ids=["a description of spaces", "one letter padded to five", "an address of spaces"])
def test_text_made_only_of_spaces_does_not_count(client, csrf, session, city, changes):
    response = send_report(client, csrf, city, **changes)
    assert response.status_code == 422
    assert tip_count(session) == 0


@pytest.mark.parametrize("latitude, longitude", [("NaN", "NaN"), ("sNaN", "114.3")])
def test_coordinates_that_are_not_numbers_are_refused(client, csrf, session, city, latitude, longitude):
    response = send_report(client, csrf, city, latitude=latitude, longitude=longitude)
    assert response.status_code == 422
    assert tip_count(session) == 0


def test_coordinates_at_infinity_are_refused_as_not_a_number(client, csrf, session, city):
    response = send_report(client, csrf, city, latitude="Infinity", longitude="114.3")
    assert response.status_code == 422 and "Enter a number." in response.get_data(as_text=True)
    assert tip_count(session) == 0


def test_markup_typed_into_a_report_is_shown_as_text_to_staff(client, csrf, auth, session, staff, city):
    assert send_report(client, csrf, city, description="<script>alert(1)</script>").status_code == 303
    tip = session.scalar(select(Tip))
    auth.login("admin")
    html = client.get(f"/admin/tips/{tip.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_pdf_renamed_as_a_photo_is_refused_and_the_text_kept(client, csrf, session, city, photo_dir):
    response = send_report(client, csrf, city, photos=[(io.BytesIO(PDF), "evidence.jpg", "image/jpeg")])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "evidence.jpg: Photos must be JPEG, PNG or WebP images." in html
    assert "Nothing was sent yet: choose the photos again (your text is kept)." in html
    assert DESCRIPTION in html and ADDRESS in html
    assert tip_count(session) == 0
    assert not Path(photo_dir).exists() or not any(Path(photo_dir).iterdir())


def test_one_bad_photo_among_good_ones_stores_nothing(client, csrf, session, city, photo_dir):
    photos = [(io.BytesIO(image_bytes()), "a.jpg", "image/jpeg"), (io.BytesIO(b"not an image"), "b.png", "image/png")]
    response = send_report(client, csrf, city, photos=photos)
    assert response.status_code == 422 and "b.png: Photos must be" in response.get_data(as_text=True)
    assert tip_count(session) == 0
    assert not Path(photo_dir).exists() or not any(Path(photo_dir).iterdir())


def test_more_photos_than_allowed_are_refused(app, client, csrf, session, city):
    photos = [(io.BytesIO(image_bytes()), f"p{n}.jpg", "image/jpeg") for n in range(app.config["TIP_MAX_PHOTOS"] + 1)]
    response = send_report(client, csrf, city, photos=photos)
    assert response.status_code == 422
    assert f"Send at most {app.config['TIP_MAX_PHOTOS']} photos." in response.get_data(as_text=True)
    assert tip_count(session) == 0


def test_a_report_without_the_csrf_token_is_refused(client, csrf, session, city):
    response = send_report(client, csrf, city, token=False)
    assert response.status_code == 400
    assert tip_count(session) == 0


def test_with_working_days_acceptance_is_counted_over_the_holiday_calendar(app, client, csrf, session, city):
    app.config["TIP_WORKING_DAYS"] = True
    today = utcnow().astimezone(BEIJING).date()
    session.add_all([CalendarDay(day=today + timedelta(days=n), is_working_day=False, note="假期")
                     for n in range(1, 11)])
    session.commit()
    assert send_report(client, csrf, city).status_code == 303
    tip = session.scalar(select(Tip))
    expected = add_days(tip.submitted_at.astimezone(BEIJING).date(), 15, working=True, overrides=overrides(session))
    assert tip.accept_due == expected and tip.accept_due > today + timedelta(days=25)


# The reporter's private status page

def test_a_tracking_code_typed_into_the_form_leads_to_the_status_page(client, report):
    _, code = report()
    response = client.get("/tips/track", query_string={"code": f" {code.lower()} "})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/tips/track/{codes.normalise(code)}"
    assert client.get(response.headers["Location"]).status_code == 200


def test_an_unknown_tracking_code_gives_a_not_found_page_with_a_message(client, city):
    response = client.get("/tips/track/2222-3333-4444-5555")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "No report has this tracking code. Check it and try again." in html
    assert 'value="2222-3333-4444-5555"' in html


def test_the_status_page_shows_the_state_and_public_timeline_but_never_the_reporter(client, session, staff, report):
    tip, code = report(anonymous=False)
    services.take_step(session, staff["admin"], tip, Step.ACCEPT, Rules(), note="内部备注：联系张三核实")
    session.commit()
    response = client.get(f"/tips/track/{code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert tip.public_number in html and "Accepted" in html and "Report received" in html
    assert "Air pollution" in html and ADDRESS in html
    assert "张三" not in html and "13800000000" not in html
    assert "内部备注" not in html and "Internal note" not in html


def test_the_status_page_shows_the_reply_and_the_rating_form_once_concluded(client, session, staff, report):
    tip, code = report()
    walk(session, staff, tip, Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE, Step.CONCLUDE)
    html = client.get(f"/tips/track/{code}").get_data(as_text=True)
    assert "已责令整改" in html and "Rate the handling" in html and 'name="satisfied"' in html
    assert "现场属实" not in html  # the findings stay in-house


def test_the_reply_is_shown_to_the_reporter_as_text(client, session, staff, report):
    tip, code = report()
    walk(session, staff, tip, Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE)
    services.take_step(session, staff["tip_handler"], tip, Step.CONCLUDE, Rules(), findings="属实",
                       reply='<img src=x onerror="alert(1)">')
    session.commit()
    html = client.get(f"/tips/track/{code}").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_the_rating_form_is_not_offered_before_the_tip_is_concluded(client, report):
    _, code = report()
    assert 'name="satisfied"' not in client.get(f"/tips/track/{code}").get_data(as_text=True)


def test_a_satisfied_rating_closes_the_case(client, csrf, session, staff, report):
    tip, code = report()
    walk(session, staff, tip, Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE, Step.CONCLUDE)
    token = csrf.token(client, f"/tips/track/{code}")
    response = client.post(f"/tips/track/{code}", data={"csrf_token": token, "satisfied": "yes", "comment": "很及时"})
    assert response.headers["Location"] == f"/tips/track/{code}"
    html = follow(client, response)
    assert "Thank you for rating the handling." in html and "The reporter is satisfied" in html
    session.refresh(tip)
    assert tip.state == TipState.CLOSED and tip.rating_comment == "很及时"
    assert "很及时" not in html  # the comment is internal


def test_not_satisfied_the_reporter_asks_for_a_review_with_its_own_deadline(client, csrf, session, staff, report):
    """信访工作条例 art. 35: not satisfied with the written reply, the reporter may ask within 30 days for a review
    (复查), which is answered within 30 days of the request — the case does not go back to its old deadline."""
    tip, code = report()
    walk(session, staff, tip, Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE, Step.CONCLUDE)
    token = csrf.token(client, f"/tips/track/{code}")
    html = follow(client, client.post(f"/tips/track/{code}", data={"csrf_token": token, "satisfied": "review",
                                                                    "comment": "河里还在冒泡"}))
    session.refresh(tip)
    requested = tip.events[-1].at.astimezone(ZoneInfo("Asia/Shanghai")).date()
    assert tip.state == TipState.REVIEWING and tip.review_due == requested + timedelta(days=30)
    assert "Under review" in html and "Your request for a review has been received." in html
    assert "The higher authority gives its opinion by" in html


def test_a_rating_without_a_choice_is_shown_again(client, csrf, session, staff, report):
    tip, code = report()
    walk(session, staff, tip, Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE, Step.CONCLUDE)
    token = csrf.token(client, f"/tips/track/{code}")
    response = client.post(f"/tips/track/{code}", data={"csrf_token": token, "comment": "嗯"})
    assert response.status_code == 422 and "Choose satisfied or not satisfied." in response.get_data(as_text=True)
    session.refresh(tip)
    assert tip.state == TipState.CONCLUDED


def test_a_rating_before_the_conclusion_is_refused_with_a_message(client, csrf, session, report):
    tip, code = report()
    token = csrf.token(client, f"/tips/track/{code}")
    response = client.post(f"/tips/track/{code}", data={"csrf_token": token, "satisfied": "yes"})
    assert response.status_code == 422
    assert "The handling can be rated once the tip is concluded." in response.get_data(as_text=True)
    session.refresh(tip)
    assert tip.state == TipState.SUBMITTED and tip.rating is None


def test_a_rating_without_the_csrf_token_is_refused(client, session, staff, report):
    tip, code = report()
    walk(session, staff, tip, Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE, Step.CONCLUDE)
    assert client.post(f"/tips/track/{code}", data={"satisfied": "yes"}).status_code == 400
    session.refresh(tip)
    assert tip.state == TipState.CONCLUDED


# The public list and photos

def test_the_public_list_shows_kind_district_dates_and_status_but_no_personal_data(client, session, report):
    tip, code = report(anonymous=False, latitude=LATITUDE, longitude=LONGITUDE, reported_unit="某化工厂")
    html = client.get("/tips/").get_data(as_text=True)
    assert tip.public_number in html and "Air pollution" in html and "Wuchang District" in html
    assert "Received, awaiting acceptance" in html
    for secret in ("张三", "13800000000", str(LATITUDE), str(LONGITUDE), "30.55", "114.33", DESCRIPTION, ADDRESS,
                   "某化工厂", code, codes.normalise(code)):
        assert secret not in html


def test_the_public_list_pages_by_fifty(client, report):
    tips = [report()[0] for _ in range(51)]
    first = client.get("/tips/").get_data(as_text=True)
    assert tips[-1].public_number in first and tips[0].public_number not in first and 'rel="next"' in first
    second = client.get("/tips/?page=2").get_data(as_text=True)
    assert tips[0].public_number in second and 'rel="prev"' in second and 'rel="next"' not in second


@pytest.fixture
def photo_tip(report, photo_dir):
    tip, _ = report(photos=[services.process_photo(image_bytes(), 3 * 1024 * 1024)], upload_dir=photo_dir)
    return tip, tip.photos[0].id


def test_an_uncleared_photo_is_not_found_for_the_public(client, photo_tip):
    _, photo_id = photo_tip
    assert client.get(f"/tips/photos/{photo_id}").status_code == 404


def test_an_uncleared_photo_is_shown_to_the_handler_of_the_bureau_and_not_cached(client, auth, photo_tip):
    _, photo_id = photo_tip
    auth.login("handler")
    response = client.get(f"/tips/photos/{photo_id}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "private, no-store"
    # Served like every stored file: sandboxed and never sniffed as another type.
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_uncleared_photo_is_hidden_from_the_handler_of_another_bureau(client, auth, photo_tip, other_handler):
    _, photo_id = photo_tip
    auth.login("handler2")
    assert client.get(f"/tips/photos/{photo_id}").status_code in (403, 404)


def test_an_uncleared_photo_is_hidden_from_staff_who_do_not_handle_tips(client, auth, photo_tip):
    _, photo_id = photo_tip
    auth.login("editor")
    assert client.get(f"/tips/photos/{photo_id}").status_code == 404


def test_a_cleared_photo_is_public(client, session, photo_tip):
    _, photo_id = photo_tip
    session.get(TipPhoto, photo_id).cleared = True
    session.commit()
    response = client.get(f"/tips/photos/{photo_id}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "public, max-age=3600"


def test_a_missing_photo_is_not_found(client, city):
    assert client.get("/tips/photos/999999").status_code == 404


# The handlers' queue and case page

def test_a_handler_sees_only_their_bureaus_tips_in_the_queue(client, auth, city, report):
    home, _ = report(categories=[city.air])
    away, _ = report(categories=[city.water])
    auth.login("handler")
    html = client.get("/admin/tips/").get_data(as_text=True)
    assert home.public_number in html and away.public_number not in html


def test_the_admin_sees_every_open_tip_in_the_queue(client, auth, city, report):
    home, _ = report(categories=[city.air])
    away, _ = report(categories=[city.water])
    auth.login("admin")
    html = client.get("/admin/tips/").get_data(as_text=True)
    assert home.public_number in html and away.public_number in html


def test_a_handler_opening_another_bureaus_tip_is_refused_and_audited(client, auth, session, staff, city, report):
    away, _ = report(categories=[city.water], anonymous=False)
    auth.login("handler")
    response = client.get(f"/admin/tips/{away.id}")
    assert response.status_code == 403 and "张三" not in response.get_data(as_text=True)
    [entry] = audits(session, "tips.access_denied")
    assert entry.actor_id == staff["tip_handler"].id and entry.object_type == "tips"
    assert entry.object_id == str(away.id) and entry.note == f"GET /admin/tips/{away.id}"


@pytest.mark.parametrize("path", ["step/investigate", "extension", "reporter"])
def test_a_handler_acting_on_another_bureaus_tip_is_refused_and_audited(client, auth, csrf, session, staff, city,
                                                                         report, path):
    away, _ = report(categories=[city.water], anonymous=False)
    walk(session, staff, away, Step.ACCEPT)
    services.take_step(session, staff["admin"], away, Step.ASSIGN, Rules(), bureau=city.elsewhere)
    session.commit()
    auth.login("handler")
    response = client.post(f"/admin/tips/{away.id}/{path}",
                           data={"csrf_token": csrf.token(client), "days": "5", "reason": "理由"})
    assert response.status_code == 403
    assert len(audits(session, "tips.access_denied")) == 1
    assert audits(session, "tips.reporter_viewed") == [] and audits(session, "tips.extension_request") == []
    session.refresh(away)
    assert away.state == TipState.ASSIGNED and away.extension_state is None


def test_a_handler_is_not_offered_the_office_steps(client, auth, session, staff, report):
    tip, _ = report()
    auth.login("handler")
    detail = client.get(f"/admin/tips/{tip.id}").get_data(as_text=True)
    assert "/step/accept" not in detail and "/step/reject" not in detail


@pytest.mark.parametrize("step, done", [
    ("accept", ()), ("reject", ()), ("assign", (Step.ACCEPT,)), ("transfer", (Step.ACCEPT, Step.ASSIGN)),
    ("close", (Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE, Step.CONCLUDE)),
])
def test_a_handler_cannot_take_an_office_step_through_the_page(client, auth, csrf, session, staff, city, report,
                                                                step, done):
    tip, _ = report()
    walk(session, staff, tip, *done)
    state = tip.state
    auth.login("handler")
    response = client.post(f"/admin/tips/{tip.id}/step/{step}", data={
        "csrf_token": csrf.token(client), "note": "试试", "bureau_id": str(city.elsewhere.id)})
    assert response.status_code == 403
    [entry] = audits(session, "tips.step_denied")
    assert entry.actor_id == staff["tip_handler"].id and entry.object_id == str(tip.id)
    session.refresh(tip)
    assert tip.state == state and tip.bureau_id == city.home.id and audits(session, f"tips.{step}") == []


def test_the_admin_transfers_a_tip_under_investigation_to_another_bureau(client, auth, csrf, session, staff, city,
                                                                          report, other_handler):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE)
    auth.login("admin")
    response = client.post(f"/admin/tips/{tip.id}/step/transfer", data={
        "csrf_token": csrf.token(client), "bureau_id": str(city.elsewhere.id), "note": "属水利局职责"})
    assert "Done: Transfer to another bureau." in follow(client, response)
    session.refresh(tip)
    assert tip.state == TipState.ASSIGNED and tip.bureau_id == city.elsewhere.id
    auth.logout()
    auth.login("handler")
    assert client.get(f"/admin/tips/{tip.id}").status_code == 403


def test_a_handler_cannot_decide_an_extension(client, auth, csrf, session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT)
    services.request_extension(session, staff["tip_handler"], tip, 10, "需要检测", Rules())
    session.commit()
    auth.login("handler")
    response = client.post(f"/admin/tips/{tip.id}/extension/approve", data={"csrf_token": csrf.token(client)})
    assert response.status_code == 403 and len(audits(session, "tips.extension_decision_denied")) == 1
    session.refresh(tip)
    assert tip.extension_state == "requested"


def test_the_admin_accepts_and_assigns_through_the_page_with_flashes(client, auth, csrf, session, city, report):
    tip, _ = report(categories=[city.other])
    auth.login("admin")
    detail = client.get(f"/admin/tips/{tip.id}").get_data(as_text=True)
    assert "/step/accept" in detail and "/step/reject" in detail and DESCRIPTION in detail
    token = csrf.token(client, f"/admin/tips/{tip.id}")
    response = client.post(f"/admin/tips/{tip.id}/step/accept", data={"csrf_token": token, "note": "已核实"})
    assert response.headers["Location"] == f"/admin/tips/{tip.id}"
    html = follow(client, response)
    assert "Done: Accept." in html and "已核实" in html and "/step/assign" in html
    response = client.post(f"/admin/tips/{tip.id}/step/assign",
                           data={"csrf_token": token, "bureau_id": str(city.elsewhere.id)})
    assert "Done: Assign to a bureau." in follow(client, response)
    session.refresh(tip)
    assert tip.state == TipState.ASSIGNED and tip.bureau_id == city.elsewhere.id
    assert [e.action for e in audits(session, "tips.accept") + audits(session, "tips.assign")] == [
        "tips.accept", "tips.assign"]


def refused(response) -> str:
    """A refused step: the case page again, status 422."""
    assert response.status_code == 422, response.status_code
    return response.get_data(as_text=True)


def test_a_refused_step_comes_back_with_the_message_and_the_note_typed(client, auth, csrf, session, report):
    tip, _ = report()
    auth.login("admin")
    token = csrf.token(client, f"/admin/tips/{tip.id}")
    html = refused(client.post(f"/admin/tips/{tip.id}/step/reject", data={"csrf_token": token}))
    assert 'id="error-summary"' in html and 'href="#note-reject"' in html
    assert re.search(r'<p class="error" id="note-reject-error">Say why the tip is not accepted', html)
    html = refused(client.post(f"/admin/tips/{tip.id}/step/conclude",
                               data={"csrf_token": token, "findings": "x", "reply": "y"}))
    assert "This step is not possible while the tip is" in html and "flash-error" in html  # no form to show it in
    session.refresh(tip)
    assert tip.state == TipState.SUBMITTED and tip.events[-1].step == "submitted"


def test_a_step_refused_for_no_field_says_why_above_the_note_typed_in_its_own_form(client, auth, csrf, session,
                                                                                   report, monkeypatch):
    tip, _ = report()
    auth.login("admin")

    def refuse(*args, **kwargs):
        raise services.TipError("The case is being merged elsewhere.")
    monkeypatch.setattr(services, "take_step", refuse)
    html = refused(client.post(f"/admin/tips/{tip.id}/step/accept", data={
        "csrf_token": csrf.token(client, f"/admin/tips/{tip.id}"), "note": "已核实现场"}))
    accept = re.search(r'<form[^>]*id="step-accept".*?</form>', html, re.S).group(0)
    summary = re.search(r'<div class="error-summary".*?</div>', accept, re.S).group(0)
    assert "The case is being merged elsewhere." in summary and "已核实现场</textarea>" in accept
    assert "flash-error" not in html


def test_with_htmx_a_step_answers_the_action_panel_with_the_summary_timeline_and_flash_out_of_band(
        client, auth, csrf, session, report):
    tip, _ = report()
    auth.login("admin")
    token = csrf.token(client, f"/admin/tips/{tip.id}")
    page = client.get(f"/admin/tips/{tip.id}").get_data(as_text=True)
    accept = f"/admin/tips/{tip.id}/step/accept"
    assert f'<form method="post" action="{accept}" hx-post="{accept}"' in page
    assert '<div id="tip-actions" hx-target="this" hx-swap="outerHTML">' in page and "hx-swap-oob" not in page
    response = client.post(accept, headers=HTMX, data={"csrf_token": token, "note": "已核实"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Location" not in response.headers and "HX-Redirect" not in response.headers
    assert html.lstrip().startswith('<div id="tip-actions"') and "<!doctype" not in html.lower()
    assert "/step/assign" in html and "/step/accept" not in html  # the panel of the new state
    summary = re.search(r'<div id="tip-summary" hx-swap-oob="true">.*?</div>', html, re.S).group(0)
    assert "<strong>Accepted</strong>" in summary
    assert re.search(r'<div id="tip-timeline" hx-swap-oob="true">.*已核实', html, re.S)
    assert re.search(r'id="flashes"[^>]*hx-swap-oob="true".*Done: Accept\.', html, re.S)
    session.refresh(tip)
    assert tip.state == TipState.ACCEPTED


def test_with_htmx_a_refused_step_answers_the_panel_with_422_and_the_note_kept(client, auth, csrf, session, report):
    tip, _ = report()
    auth.login("admin")
    response = client.post(f"/admin/tips/{tip.id}/step/reject", headers=HTMX, data={
        "csrf_token": csrf.token(client, f"/admin/tips/{tip.id}"), "note": "  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and html.lstrip().startswith('<div id="tip-actions"')
    assert 'id="note-reject-error">Say why the tip is not accepted' in html and "<!doctype" not in html.lower()
    session.refresh(tip)
    assert tip.state == TipState.SUBMITTED


def test_concluding_without_the_reply_keeps_everything_the_handler_typed(client, auth, csrf, session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE)
    auth.login("handler")
    response = client.post(f"/admin/tips/{tip.id}/step/conclude", content_type="multipart/form-data", data={
        "csrf_token": csrf.token(client, f"/admin/tips/{tip.id}"),
        "findings": "现场检查属实，夜间排放<b>黄烟</b>", "finding": "substantiated",
        "measures_taken": "责令停产整改", "reply": "  ", "note": "内部备注"})
    html = refused(response)
    conclude = re.search(r'<form[^>]*id="step-conclude".*?</form>', html, re.S).group(0)
    assert "现场检查属实，夜间排放&lt;b&gt;黄烟&lt;/b&gt;</textarea>" in conclude
    assert "责令停产整改</textarea>" in conclude and "内部备注</textarea>" in conclude
    assert re.search(r'<p class="error" id="reply-error">Write the findings and the reply', conclude)
    assert 'aria-describedby="reply-error"' in conclude
    summary = re.search(r'<div class="error-summary".*?</div>', conclude, re.S).group(0)
    assert 'href="#reply"' in summary and "Write the findings and the reply" in summary
    session.refresh(tip)
    assert tip.state == TipState.INVESTIGATING and tip.findings in ("", None)


def test_assigning_to_the_bureau_it_is_with_keeps_the_choice_and_says_why(client, auth, csrf, session, staff,
                                                                          report, city):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT, Step.ASSIGN)
    auth.login("admin")
    response = client.post(f"/admin/tips/{tip.id}/step/transfer", data={
        "csrf_token": csrf.token(client, f"/admin/tips/{tip.id}"), "bureau_id": str(tip.bureau_id),
        "note": "转办说明"})
    html = refused(response)
    transfer = re.search(r'<form[^>]*id="step-transfer".*?</form>', html, re.S).group(0)
    assert 'id="bureau-transfer-error">The tip is already with this bureau.' in transfer
    assert "转办说明</textarea>" in transfer and 'href="#bureau-transfer"' in transfer


def test_a_note_too_long_is_refused_with_the_text_kept(client, auth, csrf, session, report):
    tip, _ = report()
    auth.login("admin")
    response = client.post(f"/admin/tips/{tip.id}/step/accept", data={
        "csrf_token": csrf.token(client, f"/admin/tips/{tip.id}"), "note": "长" * 2001})
    html = refused(response)
    assert "长" * 2001 + "</textarea>" in html and 'href="#note-accept"' in html
    session.refresh(tip)
    assert tip.state == TipState.SUBMITTED


@pytest.mark.parametrize("step", ["fly", "rate_satisfied"])
def test_an_unknown_or_reporters_step_is_not_taken_by_staff(client, auth, csrf, session, report, step):
    tip, _ = report()
    auth.login("admin")
    response = client.post(f"/admin/tips/{tip.id}/step/{step}", data={"csrf_token": csrf.token(client)})
    assert response.status_code in (400, 422)
    session.refresh(tip)
    assert tip.state == TipState.SUBMITTED and tip.rating is None


def test_a_step_without_the_csrf_token_is_refused(client, auth, session, report):
    tip, _ = report()
    auth.login("admin")
    assert client.post(f"/admin/tips/{tip.id}/step/accept").status_code == 400
    session.refresh(tip)
    assert tip.state == TipState.SUBMITTED


def test_the_bureaus_handler_investigates_and_concludes_with_a_site_photo(client, auth, csrf, session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT, Step.ASSIGN)
    auth.login("handler")
    detail = client.get(f"/admin/tips/{tip.id}").get_data(as_text=True)
    assert "/step/investigate" in detail and "/step/transfer" not in detail
    token = csrf.token(client, f"/admin/tips/{tip.id}")
    assert "Done: Start investigating." in follow(client, client.post(f"/admin/tips/{tip.id}/step/investigate",
                                                                      data={"csrf_token": token}))
    response = client.post(f"/admin/tips/{tip.id}/step/conclude", content_type="multipart/form-data", data={
        "csrf_token": token, "findings": "现场检查属实", "measures_taken": "责令停产", "reply": "已责令停产整改",
        "finding": "substantiated",
        "photos": [(io.BytesIO(jpeg_with_gps()), "site.jpg", "image/jpeg")]})
    assert "Done: Conclude." in follow(client, response)
    session.refresh(tip)
    assert tip.state == TipState.CONCLUDED and tip.reply == "已责令停产整改"
    assert [p.by_staff for p in tip.photos] == [True]


def test_a_bad_site_photo_stops_the_conclusion(client, auth, csrf, session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE)
    auth.login("handler")
    response = client.post(f"/admin/tips/{tip.id}/step/conclude", content_type="multipart/form-data", data={
        "csrf_token": csrf.token(client), "findings": "属实", "reply": "已处理", "finding": "substantiated",
        "photos": [(io.BytesIO(PDF), "site.jpg", "image/jpeg")]})
    html = refused(response)
    assert 'id="photos-conclude-error">site.jpg: Photos must be JPEG, PNG or WebP images.' in html
    assert "属实</textarea>" in html and "已处理</textarea>" in html
    session.refresh(tip)
    assert tip.state == TipState.INVESTIGATING and tip.photos == []


def test_an_extension_is_asked_by_the_handler_and_approved_by_the_admin(client, auth, csrf, session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT)
    due = tip.conclude_due
    auth.login("handler")
    token = csrf.token(client, f"/admin/tips/{tip.id}")
    html = refused(client.post(f"/admin/tips/{tip.id}/extension", data={"csrf_token": token, "reason": "需要检测"}))
    assert 'id="days-error">Enter a number of days.' in html and "需要检测</textarea>" in html
    assert 'id="error-summary"' in html
    html = refused(client.post(f"/admin/tips/{tip.id}/extension",
                               data={"csrf_token": token, "days": "31", "reason": "需要复测"}))
    assert 'id="days-error">An extension is between 1 and 30 days.' in html and "需要复测</textarea>" in html
    assert 'value="31"' in html
    html = follow(client, client.post(f"/admin/tips/{tip.id}/extension",
                                      data={"csrf_token": token, "days": "10", "reason": "需要检测"}))
    assert "Extension requested." in html
    auth.logout()
    auth.login("admin")
    detail = client.get(f"/admin/tips/{tip.id}").get_data(as_text=True)
    assert "/extension/approve" in detail
    response = client.post(f"/admin/tips/{tip.id}/extension/approve", data={"csrf_token": csrf.token(client)})
    assert response.status_code == 303
    session.refresh(tip)
    assert tip.extension_state == "approved" and tip.conclude_due == due + timedelta(days=10)
    assert len(audits(session, "tips.extension_approve")) == 1


def test_revealing_the_reporter_returns_the_name_and_is_audited(client, auth, csrf, session, staff, report):
    tip, _ = report(anonymous=False)
    auth.login("handler")
    detail = client.get(f"/admin/tips/{tip.id}").get_data(as_text=True)
    assert "张三" not in detail and "13800000000" not in detail
    token = csrf.token(client, f"/admin/tips/{tip.id}")
    response = client.post(f"/admin/tips/{tip.id}/reporter", data={"csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "张三" in html and "13800000000" in html
    [entry] = audits(session, "tips.reporter_viewed")
    assert entry.actor_id == staff["tip_handler"].id and entry.object_id == str(tip.id)


def test_revealing_the_reporter_by_htmx_returns_only_the_fragment(client, auth, csrf, session, report):
    tip, _ = report(anonymous=False)
    auth.login("admin")
    token = csrf.token(client, f"/admin/tips/{tip.id}")
    response = client.post(f"/admin/tips/{tip.id}/reporter", headers={**HTMX, "X-CSRFToken": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<div id="reporter">') and "<html" not in html
    assert "张三" in html and len(audits(session, "tips.reporter_viewed")) == 1


def test_revealing_the_reporter_without_the_csrf_token_is_refused_and_reveals_nothing(client, auth, session, report):
    tip, _ = report(anonymous=False)
    auth.login("admin")
    response = client.post(f"/admin/tips/{tip.id}/reporter")
    assert response.status_code == 400 and "张三" not in response.get_data(as_text=True)
    assert audits(session, "tips.reporter_viewed") == []


def test_staff_clear_a_photo_for_the_public(client, auth, csrf, session, photo_tip):
    tip, photo_id = photo_tip
    auth.login("handler")
    token = csrf.token(client, f"/admin/tips/{tip.id}")
    response = client.post(f"/admin/tips/photos/{photo_id}/clear", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == f"/admin/tips/{tip.id}#photos"
    session.expire_all()
    assert session.get(TipPhoto, photo_id).cleared and len(audits(session, "tips.photo_clear")) == 1
    auth.logout()
    assert client.get(f"/tips/photos/{photo_id}").status_code == 200


def test_a_handler_of_another_bureau_cannot_clear_a_photo(client, auth, csrf, session, photo_tip, other_handler):
    _, photo_id = photo_tip
    auth.login("handler2")
    response = client.post(f"/admin/tips/photos/{photo_id}/clear", data={"csrf_token": csrf.token(client)})
    assert response.status_code == 403 and len(audits(session, "tips.access_denied")) == 1
    session.expire_all()
    assert not session.get(TipPhoto, photo_id).cleared


def test_an_unknown_photo_decision_is_refused(client, auth, csrf, session, photo_tip):
    _, photo_id = photo_tip
    auth.login("admin")
    assert client.post(f"/admin/tips/photos/{photo_id}/publish",
                       data={"csrf_token": csrf.token(client)}).status_code == 400


@pytest.fixture
def coloured(app, session, report):
    """Three open tips whose acceptance is overdue, due within the warning days, and far off."""
    app.config["TIP_WORKING_DAYS"] = False
    warn = app.config["TIP_WARN_DAYS"]
    red, yellow, green = (report()[0] for _ in range(3))
    red.accept_due = datetime.now(BEIJING).date() - timedelta(days=1)
    yellow.accept_due = datetime.now(BEIJING).date() + timedelta(days=warn)
    green.accept_due = datetime.now(BEIJING).date() + timedelta(days=warn + 1)
    session.commit()
    return {"red": red, "yellow": yellow, "green": green}


def test_the_queue_counts_and_filters_by_colour(client, auth, coloured):
    auth.login("admin")
    html = client.get("/admin/tips/").get_data(as_text=True)
    assert "Overdue: 1" in html and "Due soon: 1" in html and "On track: 1" in html
    assert all(tip.public_number in html for tip in coloured.values())
    assert "Overdue by 1 days" in html and "supervision-red" in html
    for colour, tip in coloured.items():
        html = client.get(f"/admin/tips/?colour={colour}").get_data(as_text=True)
        shown = [t for t in coloured.values() if t.public_number in html]
        assert shown == [tip], colour


def test_the_queue_answers_htmx_with_the_rows_fragment(client, auth, coloured):
    auth.login("admin")
    response = client.get("/admin/tips/?colour=red", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<div id="tip-rows">') and "<html" not in html
    assert coloured["red"].public_number in html and coloured["green"].public_number not in html
    assert 'id="flashes"' in html and 'hx-swap-oob="true"' in html


def test_the_queue_filters_by_state_and_ignores_an_unknown_state(client, auth, session, staff, report):
    open_tip, _ = report()
    rejected, _ = report()
    services.take_step(session, staff["admin"], rejected, Step.REJECT, Rules(), note="重复举报")
    session.commit()
    auth.login("admin")
    html = client.get("/admin/tips/?state=not_accepted").get_data(as_text=True)
    assert rejected.public_number in html and open_tip.public_number not in html
    html = client.get("/admin/tips/?state=nonsense").get_data(as_text=True)
    assert open_tip.public_number in html and rejected.public_number not in html


def test_the_case_page_shows_the_internal_timeline_to_staff(client, auth, session, staff, report):
    tip, _ = report()
    services.take_step(session, staff["admin"], tip, Step.ACCEPT, Rules(), note="内部备注")
    session.commit()
    auth.login("handler")
    html = client.get(f"/admin/tips/{tip.id}").get_data(as_text=True)
    assert "内部备注" in html and "(internal)" in html


# The holiday calendar

def test_the_admin_adds_a_holiday_and_the_change_is_audited(client, auth, csrf, session, staff):
    auth.login("admin")
    token = csrf.token(client, "/admin/calendar/")
    response = client.post("/admin/calendar/", data={"csrf_token": token, "day": "2026-10-01", "is_working_day": "0",
                                                     "note": " 国庆节 "})
    html = follow(client, response)
    assert "Saved." in html and "2026-10-01" in html and "国庆节" in html
    session.expire_all()
    assert session.get(CalendarDay, date(2026, 10, 1)).is_working_day is False
    [entry] = audits(session, "calendar.set_day")
    assert entry.actor_id == staff["admin"].id and entry.object_type == "calendar_days"
    assert entry.object_id == "2026-10-01" and entry.before is None
    assert entry.after == {"is_working_day": False, "note": "国庆节"}


def test_changing_a_day_records_what_it_was(client, auth, csrf, session, staff):
    session.add(CalendarDay(day=date(2026, 10, 10), is_working_day=False, note="误录"))
    session.commit()
    auth.login("admin")
    token = csrf.token(client, "/admin/calendar/")
    client.post("/admin/calendar/", data={"csrf_token": token, "day": "2026-10-10", "is_working_day": "1",
                                          "note": "调休上班"})
    session.expire_all()
    assert session.get(CalendarDay, date(2026, 10, 10)).is_working_day is True
    [entry] = audits(session, "calendar.set_day")
    assert entry.before == {"is_working_day": False, "note": "误录"}
    assert entry.after == {"is_working_day": True, "note": "调休上班"}


def test_the_admin_removes_a_day_and_the_removal_is_audited(client, auth, csrf, session, staff):
    session.add(CalendarDay(day=date(2026, 10, 1), is_working_day=False, note="国庆节"))
    session.commit()
    auth.login("admin")
    token = csrf.token(client, "/admin/calendar/")
    response = client.post("/admin/calendar/2026-10-01/delete", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/calendar/"
    session.expire_all()
    assert session.get(CalendarDay, date(2026, 10, 1)) is None
    [entry] = audits(session, "calendar.remove_day")
    assert entry.object_id == "2026-10-01" and entry.before == {"is_working_day": False, "note": "国庆节"}


@pytest.mark.parametrize("day, message", [
    ("2026-02-30", "Enter the date as YYYY-MM-DD."),
    ("1.10.2026", "Enter the date as YYYY-MM-DD."),
    ("", "Enter a date."),
])
def test_a_bad_date_is_refused_and_nothing_stored(client, auth, csrf, session, staff, day, message):
    auth.login("admin")
    token = csrf.token(client, "/admin/calendar/")
    response = client.post("/admin/calendar/", data={"csrf_token": token, "day": day, "is_working_day": "0"})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert session.scalars(select(CalendarDay)).all() == [] and audits(session, "calendar.set_day") == []


def test_a_day_that_is_neither_holiday_nor_working_day_is_refused(client, auth, csrf, session, staff):
    auth.login("admin")
    token = csrf.token(client, "/admin/calendar/")
    response = client.post("/admin/calendar/", data={"csrf_token": token, "day": "2026-10-01", "is_working_day": "2"})
    assert response.status_code == 422 and session.scalars(select(CalendarDay)).all() == []


@pytest.mark.parametrize("day", ["2026-10-02", "not-a-date"])
def test_removing_a_day_not_in_the_calendar_is_not_found(client, auth, csrf, staff, day):
    auth.login("admin")
    assert client.post(f"/admin/calendar/{day}/delete", data={"csrf_token": csrf.token(client)}).status_code == 404


def test_a_handler_cannot_edit_the_calendar(client, auth, csrf, session, staff):
    auth.login("handler")
    response = client.post("/admin/calendar/", data={"csrf_token": csrf.token(client), "day": "2026-10-01",
                                                     "is_working_day": "0"})
    assert response.status_code == 403 and session.scalars(select(CalendarDay)).all() == []
    assert audits(session, "access.denied")[-1].actor_id == staff["tip_handler"].id


# The web layer's own helpers and answers

def test_a_tip_refusal_is_an_action_refused_with_its_field():
    error = services.TipError("不行", field="note")
    assert isinstance(error, ActionRefused) and str(error) == "不行" and error.field == "note"


def test_the_queue_pages_keep_the_state_filter(app, client, auth, report):
    app.config["PAGE_SIZE"] = 1
    report(), report()
    auth.login("admin")
    html = client.get("/admin/tips/?state=submitted").get_data(as_text=True)
    assert 'rel="next" href="/admin/tips/?state=submitted&amp;page=2"' in html


def test_a_refused_extension_decision_comes_back_with_the_reason(client, auth, csrf, session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT)
    auth.login("admin")
    response = client.post(f"/admin/tips/{tip.id}/extension/approve", data={"csrf_token": csrf.token(client)})
    html = refused(response)
    assert "No extension is waiting for a decision." in html
    session.refresh(tip)
    assert tip.extension_state is None and audits(session, "tips.extension_approve") == []


def test_escalating_a_tip_on_time_goes_back_to_the_board_with_the_reason(client, auth, csrf, session, report):
    tip, _ = report()
    auth.login("admin")
    response = client.post(f"/admin/tips/{tip.id}/escalate", data={"csrf_token": csrf.token(client)})
    assert response.headers["Location"] == "/admin/tips/overdue"
    assert "Only an overdue tip can be escalated." in follow(client, response)
    session.refresh(tip)
    assert tip.escalations == 0


def test_the_case_timeline_shows_the_bureau_a_step_sent_the_tip_to(client, auth, session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT, Step.ASSIGN)
    auth.login("admin")
    html = client.get(f"/admin/tips/{tip.id}").get_data(as_text=True)
    assert f"— Assigned to a bureau → {staff['bureaus']['home'].name_en}</li>" in html
