"""Heavy air pollution days: when the daily AQI of a district goes above 200 (HJ 633-2012 levels 5 and 6), its
subscribers and the city-wide ones are told, once per district and day, however often the day is imported; a
city-wide subscriber gets one message naming every district found heavy, not one per district."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.permissions import Role
from app.environment import aggregation, imports
from app.environment.models import AirPlaceDay, DataState
from app.notifications import subscriptions, topics
from app.notifications.models import Event, Topic
from app.org.models import PlaceLevel
from tests import factories
from tests.environment import factories as env

HEADERS = ["站点编码", "日期", "SO2(μg/m³)", "NO2(μg/m³)", "CO(mg/m³)", "PM10(μg/m³)", "PM2.5(μg/m³)",
           "O3最大1小时(μg/m³)", "O3最大8小时滑动平均(μg/m³)"]


def _today() -> date:
    return datetime.now(aggregation.BEIJING).date()


def _csv(rows) -> bytes:
    lines = [",".join(HEADERS)] + [",".join(str(cell) for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def _row(code: str, day: date, pm25: float) -> list:
    return [code, day.isoformat(), 8, 30, 0.8, 100, pm25, 120, 100]


@pytest.fixture
def city(session):
    """The city, two districts with a station each, their bureau's editor, and subscribers: of the first district,
    of the whole city, of the second district, and of the first district's notices only."""
    factories.place(session, level=PlaceLevel.CITY)
    hills = factories.place(session, name_en="Hills District")
    lake = factories.place(session, name_en="Lake District")
    editor = factories.user(session, role=Role.BUREAU_EDITOR)
    env.station(session, place=hills, bureau=editor.bureau, code="HILLS01")
    env.station(session, place=lake, bureau=editor.bureau, code="LAKE01")
    for address, wanted, place in [("hills@example.com", Topic.HEAVY_POLLUTION, hills),
                                   ("city@example.com", Topic.HEAVY_POLLUTION, None),
                                   ("lake@example.com", Topic.HEAVY_POLLUTION, lake),
                                   ("notices@example.com", Topic.NOTICES, hills)]:
        subscriptions.confirm(session, subscriptions.subscribe(session, address, [wanted], getattr(place, "id", None),
                                                               "en"))
    session.commit()
    return {"hills": hills, "lake": lake, "editor": editor}


def _import(session, city, rows):
    result = imports.import_file(session, city["editor"], "air_daily", _csv(rows), state=DataState.PROVISIONAL,
                                 filename="days.csv")
    assert result.errors == []
    session.commit()
    return result


def _events(session) -> list[Event]:
    return list(session.scalars(select(Event).where(Event.kind == topics.HEAVY_POLLUTION).order_by(Event.id)))


@pytest.fixture
def inbox(smtp_server, settle):
    settle()
    smtp_server.messages.clear()
    return smtp_server


def test_a_heavy_day_tells_the_district_and_the_city_once_however_often_it_is_imported(session, city, inbox,
                                                                                       settle):
    today = _today()
    _import(session, city, [_row("HILLS01", today, 180), _row("LAKE01", today, 40)])
    settle()
    assert sorted(m["To"] for m in inbox.messages) == ["city@example.com", "hills@example.com"]
    district_event, city_event = _events(session)
    assert district_event.place_id == city["hills"].id
    assert district_event.params == {"day": today.isoformat(), "aqi": 230, "level": 5, "place_only": True}
    assert city_event.place_id is None
    assert city_event.params == {"day": today.isoformat(), "aqi": 230, "level": 5,
                                 "districts": [[city["hills"].id, 230]]}

    inbox.messages.clear()
    _import(session, city, [_row("HILLS01", today, 190)])  # corrected values, still heavy: no second message
    _import(session, city, [_row("HILLS01", today, 190)])  # the same file again
    settle()
    assert inbox.messages == [] and len(_events(session)) == 2
    assert session.scalar(select(AirPlaceDay.aqi).where(AirPlaceDay.place_id == city["hills"].id)) == 240


def test_the_message_gives_the_level_and_the_advice_and_a_short_text(session, city, inbox, settle, sms_gateway):
    subscriptions.confirm(session, subscriptions.subscribe(session, "13812345678", [Topic.HEAVY_POLLUTION],
                                                           city["lake"].id, "en"))
    session.commit()
    settle()
    sms_gateway["received"].clear()
    today = _today()
    _import(session, city, [_row("LAKE01", today, 260)])
    settle()
    [mail] = inbox.to("lake@example.com")
    assert mail["Subject"].startswith("Heavy air pollution in Lake District on ")
    body = mail.get_content()
    assert "AQI 310" in body and "Level 6, severely polluted" in body
    assert "Children, the elderly and the sick should stay indoors" in body
    assert "/environment/" in body and "/notifications/stop/" in body
    [sms] = sms_gateway["received"]
    text = sms["body"]["text"]
    assert len(text) <= 300 and "AQI 310" in text and "/notifications/stop/" in text and not text.endswith("…")


@pytest.mark.parametrize("pm25", [150, 100])
def test_a_day_at_or_below_aqi_200_tells_nobody(session, city, inbox, settle, pm25):
    _import(session, city, [_row("HILLS01", _today(), pm25)])
    settle()
    assert inbox.messages == [] and _events(session) == []


def test_an_old_heavy_day_is_history_not_a_warning(session, city, inbox, settle):
    _import(session, city, [_row("HILLS01", _today() - timedelta(days=3), 200)])
    settle()
    assert inbox.messages == [] and _events(session) == []


def test_yesterday_still_counts_and_each_day_is_told_once(session, city, inbox, settle):
    today = _today()
    _import(session, city, [_row("HILLS01", today - timedelta(days=1), 200), _row("HILLS01", today, 200)])
    settle()
    assert [(event.params["day"], event.place_id) for event in _events(session)] == [
        ((today - timedelta(days=1)).isoformat(), city["hills"].id), ((today - timedelta(days=1)).isoformat(), None),
        (today.isoformat(), city["hills"].id), (today.isoformat(), None)]
    assert len(inbox.to("hills@example.com")) == 2 and len(inbox.to("city@example.com")) == 2


def test_with_nobody_subscribed_nothing_is_recorded(session, inbox, settle):
    district = factories.place(session)
    editor = factories.user(session, role=Role.BUREAU_EDITOR)
    env.station(session, place=district, bureau=editor.bureau, code="ALONE01")
    session.commit()
    _import(session, {"editor": editor}, [_row("ALONE01", _today(), 220)])
    settle()
    assert session.scalar(select(func.count()).select_from(Event)) == 0 and inbox.messages == []


def test_only_districts_are_told_of_not_the_city_as_a_whole(session, city, inbox, settle):
    _import(session, city, [_row("HILLS01", _today(), 300), _row("LAKE01", _today(), 40)])
    settle()
    city_day = session.scalar(select(AirPlaceDay).join(AirPlaceDay.place).where(
        AirPlaceDay.place.has(level=PlaceLevel.CITY)))
    assert city_day.aqi > topics.HEAVY_AQI  # the mean of both stations is heavy too
    assert [event.place_id for event in _events(session)] == [city["hills"].id, None]
    assert len(inbox.to("city@example.com")) == 1 and inbox.to("lake@example.com") == []


def test_the_message_is_written_in_the_subscribers_language(session, city, inbox, settle):
    subscriptions.confirm(session, subscriptions.subscribe(session, "wang@example.com", [Topic.HEAVY_POLLUTION],
                                                           city["hills"].id, "zh_Hans"))
    session.commit()
    settle()
    inbox.messages.clear()
    _import(session, city, [_row("HILLS01", _today(), 180)])
    settle()
    [mail] = inbox.to("wang@example.com")
    body = mail.get_content()
    assert "五级 重度污染" in body and city["hills"].name_zh_hans in body
    assert "Level 5" not in body


def test_a_city_wide_subscriber_gets_one_message_naming_every_heavy_district(session, city, inbox, settle,
                                                                              sms_gateway):
    subscriptions.confirm(session, subscriptions.subscribe(session, "13812345678", [Topic.HEAVY_POLLUTION], None,
                                                           "en"))
    session.commit()
    settle()
    inbox.messages.clear()
    sms_gateway["received"].clear()
    today = _today()
    _import(session, city, [_row("HILLS01", today, 180), _row("LAKE01", today, 260)])
    settle()
    [mail] = inbox.to("city@example.com")
    assert mail["Subject"].startswith("Heavy air pollution in 2 districts on ")
    body = mail.get_content()
    assert "- Hills District: AQI 230, Level 5, heavily polluted" in body
    assert "- Lake District: AQI 310, Level 6, severely polluted" in body
    assert "Children, the elderly and the sick should stay indoors" in body  # the worst level's advice
    [sms] = sms_gateway["received"]
    text = sms["body"]["text"]
    assert "Hills District and Lake District" in text and "AQI up to 310" in text and len(text) <= 300
    # Each district's own subscribers hear of their district only.
    [hills_mail] = inbox.to("hills@example.com")
    assert "Hills District" in hills_mail["Subject"] and "Lake District" not in hills_mail.get_content()
    [lake_mail] = inbox.to("lake@example.com")
    assert "Lake District" in lake_mail["Subject"] and "Hills District" not in lake_mail.get_content()


def test_a_district_found_heavy_later_that_day_is_told_of_alone(session, city, inbox, settle):
    today = _today()
    _import(session, city, [_row("HILLS01", today, 180), _row("LAKE01", today, 40)])
    settle()
    inbox.messages.clear()
    _import(session, city, [_row("HILLS01", today, 180), _row("LAKE01", today, 200)])
    settle()
    [mail] = inbox.to("city@example.com")
    assert mail["Subject"].startswith("Heavy air pollution in Lake District on ")
    assert inbox.to("hills@example.com") == [] and len(inbox.to("lake@example.com")) == 1


def test_the_city_wide_message_lists_the_districts_in_chinese(session, city, inbox, settle):
    subscriptions.confirm(session, subscriptions.subscribe(session, "wang@example.com", [Topic.HEAVY_POLLUTION],
                                                           None, "zh_Hans"))
    session.commit()
    settle()
    inbox.messages.clear()
    _import(session, city, [_row("HILLS01", _today(), 180), _row("LAKE01", _today(), 260)])
    settle()
    [mail] = inbox.to("wang@example.com")
    body = mail.get_content()
    assert city["hills"].name_zh_hans in body and city["lake"].name_zh_hans in body
    assert "六级 严重污染" in body and "2" in mail["Subject"]
