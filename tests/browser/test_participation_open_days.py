"""A resident books a place on a facility open day on a phone (contact, phone, one person, no group), keeps the
code, and cancels the booking with it; every page passes axe."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.org.models import Bureau, Place
from app.participation.models import Booking, BookingState, Facility, FacilityKind, VisitSlot
from app.db_types import utcnow
from tests.browser.conftest import assert_accessible as _with_js
from tests.browser.conftest import sign_in


@pytest.fixture(scope="module")
def open_slot(live_app):
    with live_app.app_context():
        home = db.session.scalar(select(Bureau).where(Bureau.code == "eeb"))
        district = db.session.scalar(select(Place).where(Place.code == "hills"))
        plant = Facility(kind=FacilityKind.SEWAGE, name_zh_hans="白河污水处理厂", name_en="Baihe Sewage Plant",
                         address_zh_hans="河滨路2号", address_en="2 Riverside Road", bureau_id=home.id,
                         place_id=district.id)
        db.session.add(plant)
        db.session.flush()
        starts = utcnow().replace(microsecond=0) + timedelta(days=4)
        slot = VisitSlot(facility_id=plant.id, day=(starts + timedelta(hours=8)).date(), starts_at=starts,
                         ends_at=starts + timedelta(hours=2), capacity=3, taken=0)
        db.session.add(slot)
        db.session.commit()
        return {"facility": plant.id, "slot": slot.id}


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_resident_books_one_place_and_cancels_it_with_the_code(request, phone, phone_without_js, live_app, open_slot,
                                                              javascript):
    assert_accessible = (_with_js if javascript else request.getfixturevalue("assert_accessible_without_js"))
    page = (phone if javascript else phone_without_js).new_page()
    page.goto("/participation/open-days/?lang=en")
    expect(page.get_by_role("heading", name="Facility open days", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Baihe Sewage Plant").first.click()
    expect(page.get_by_text("3 / 3").first).to_be_visible()
    assert_accessible(page)
    page.locator(f"a[href$='/slots/{open_slot['slot']}/book']").click()
    assert_accessible(page)
    page.get_by_label("Contact name").fill("陈阿姨")
    page.get_by_label("Contact mobile phone").fill("139 0000 1234")
    page.get_by_label("Number of people").fill("1")
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_role("heading", name="Visit booked")).to_be_visible()
    code = page.locator("#tracking-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code) and code not in page.url
    assert_accessible(page)

    page.get_by_role("link", name="See or cancel your booking").click()
    page.get_by_label("Your booking code").fill(code)
    page.get_by_role("button", name="Show my booking").click()
    expect(page.get_by_text("Booked", exact=True)).to_be_visible()
    assert code not in page.url
    assert_accessible(page)
    page.get_by_role("button", name="Cancel my booking").click()
    expect(page.get_by_text("Your booking is cancelled")).to_be_visible()
    assert_accessible(page)
    with live_app.app_context():
        assert db.session.get(VisitSlot, open_slot["slot"]).taken == 0
        booking = db.session.scalar(select(Booking).where(Booking.slot_id == open_slot["slot"]))
        assert booking.state == BookingState.CANCELLED and booking.group_name == "" and booking.size == 1


def test_organiser_sees_the_minimum_adds_an_open_day_and_opens_the_call_list(phone, live_app, open_slot):
    page = phone.new_page()
    sign_in(page, "editor")
    page.goto("/admin/participation/open-days/?lang=en")
    expect(page.get_by_text("more needed").first).to_be_visible()
    _with_js(page)
    page.goto(f"/admin/participation/open-days/{open_slot['facility']}/days/new?lang=en")
    _with_js(page)
    day = (utcnow() + timedelta(days=20)).date().isoformat()
    page.get_by_label("Open day").fill(day)
    slot_one = page.get_by_role("group", name="Time slot 1")
    slot_one.get_by_label("Starts").fill("09:30")
    slot_one.get_by_label("Ends").fill("11:00")
    slot_one.get_by_label("Places").fill("40")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The open day is added with 1 slot.")).to_be_visible()
    _with_js(page)
    page.goto("/admin/participation/open-days/reminders?lang=en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Call list")
    _with_js(page)
