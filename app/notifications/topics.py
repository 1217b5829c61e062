"""The topics residents subscribe to, and when they are told: a disclosure notice goes public (at its approval,
or at its later publication time through a scheduled duty), and a district's day reaches heavy air pollution
(daily AQI above 200, HJ 633-2012 levels 5 and 6), once per district and day.

The domains call `notice_approved` and `air_days_evaluated` at the point of the change; what the messages say is
registered here too, so the notices and environment packages only make one call each."""
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.db_types import utcnow
from app.environment.aqi import category_of
from app.environment.aqi_texts import advice, category_title, health_effect
from app.environment.models import AirPlaceDay
from app.jobs.registry import job
from app.notices.models import Notice
from app.notices.workflow import NoticeState
from app.notifications import messages, services
from app.notifications.models import Event, Topic
from app.org.models import Place, PlaceLevel
from app.web.urls import public_url

NOTICE_PUBLISHED = "notice.published"
HEAVY_POLLUTION = "air.heavy_pollution"
# HJ 633-2012: an AQI above 200 is level 5 (重度污染) or 6 (严重污染).
HEAVY_AQI = 200
# Only days this recent tell anyone: an import of last winter's values is history, not a warning.
RECENT_DAYS = 1
# A scheduled notice whose time came longer ago than this (the duty was off) is not announced any more.
NOTICE_LOOKBACK = timedelta(days=2)


# --- notices --------------------------------------------------------------------------------------------------

def _notice_place_id(notice: Notice) -> int | None:
    """The notice's district when it concerns exactly one; the whole city otherwise (a city-wide or a
    several-district notice reaches the city-wide subscribers only, never the same resident twice)."""
    districts = [place for place in notice.places if place.level == PlaceLevel.DISTRICT]
    if len(districts) == 1 and not any(place.level == PlaceLevel.CITY for place in notice.places):
        return districts[0].id
    return None


def _announce_notice(session, notice: Notice) -> Event | None:
    return services.announce(session, NOTICE_PUBLISHED, topic=Topic.NOTICES, place_id=_notice_place_id(notice),
                             notice_id=notice.id)


def notice_approved(session, notice: Notice, now: datetime) -> Event | None:
    """At approval: tell the subscribers now if the notice is public now; a notice approved for a later time
    is told of by the `notifications.notices` duty once that time has come."""
    if notice.published_at is None or notice.published_at > now:
        return None
    return _announce_notice(session, notice)


def _announced_notice_ids(session, notice_ids: list[int]) -> set[int]:
    if not notice_ids:
        return set()
    notice_id = Event.params["notice_id"].as_integer()
    return set(session.scalars(select(notice_id).where(Event.kind == NOTICE_PUBLISHED,
                                                       notice_id.in_(notice_ids))))


def announce_due_notices(session, now: datetime | None = None) -> int:
    """Tell of the notices approved for a publication time that has now come (published_at was set to their
    asked-for time, later than the approval). A notice nobody was told of yet is tried again at the next run
    while within NOTICE_LOOKBACK, so a subscriber confirmed meanwhile still hears of it."""
    now = now or utcnow()
    due = list(session.scalars(select(Notice).where(
        Notice.state == NoticeState.PUBLISHED, Notice.publish_at.is_not(None),
        Notice.published_at == Notice.publish_at, Notice.published_at <= now,
        Notice.published_at > now - NOTICE_LOOKBACK).order_by(Notice.published_at, Notice.id)))
    told = _announced_notice_ids(session, [notice.id for notice in due])
    return sum(1 for notice in due if notice.id not in told and _announce_notice(session, notice) is not None)


@job("notifications.notices", title=_l("Notifications of notices published at their set time"),
     cron="NOTIFICATION_NOTICES_CRON")
def notices_duty(context) -> dict:
    return {"announced": announce_due_notices(context.session)}


@messages.kind(NOTICE_PUBLISHED)
def _describe_notice(session, event: Event) -> dict:
    notice = session.get(Notice, event.params["notice_id"])
    return {"notice": notice, "notice_url": public_url("notices.detail", notice_id=notice.id),
            "place": event.place}


# --- heavy air pollution --------------------------------------------------------------------------------------

def _told_districts(session, day: date) -> tuple[set[int], set[int]]:
    """The districts whose heavy day was already told to their own subscribers, and to the city-wide ones."""
    events = session.scalars(select(Event).where(Event.kind == HEAVY_POLLUTION,
                                                 Event.params["day"].as_string() == day.isoformat()))
    own, city_wide = set(), set()
    for event in events:
        if event.place_id is not None:
            own.add(event.place_id)
        else:
            city_wide.update(place_id for place_id, _aqi in event.params["districts"])
    return own, city_wide


def air_days_evaluated(session, days: Iterable[date], today: date) -> list[Event]:
    """After the districts' days were recomputed: tell of each district whose day (today or yesterday) reached
    heavy pollution, once per district and day (a second import of the same day finds the first one's events):
    its own subscribers get a message about it, the city-wide subscribers one message a day naming every
    district newly found heavy."""
    recent = sorted(day for day in set(days) if today - timedelta(days=RECENT_DAYS) <= day <= today)
    events: list[Event] = []
    for day in recent:
        heavy = session.execute(
            select(AirPlaceDay.place_id, AirPlaceDay.aqi).join(Place, Place.id == AirPlaceDay.place_id)
            .where(Place.level == PlaceLevel.DISTRICT, AirPlaceDay.day == day, AirPlaceDay.aqi > HEAVY_AQI)
            .order_by(AirPlaceDay.place_id)).all()
        if not heavy:
            continue
        own, city_wide = _told_districts(session, day)
        for place_id, aqi in heavy:
            if place_id not in own:
                events.append(services.announce(
                    session, HEAVY_POLLUTION, topic=Topic.HEAVY_POLLUTION, place_id=place_id, day=day.isoformat(),
                    aqi=aqi, level=category_of(aqi).level, **{services.PLACE_ONLY: True}))
        news = [[place_id, aqi] for place_id, aqi in heavy if place_id not in city_wide]
        if news:
            worst = max(aqi for _place_id, aqi in news)
            events.append(services.announce(session, HEAVY_POLLUTION, topic=Topic.HEAVY_POLLUTION, place_id=None,
                                            day=day.isoformat(), aqi=worst, level=category_of(worst).level,
                                            districts=news))
    return [event for event in events if event is not None]


@messages.kind(HEAVY_POLLUTION)
def _describe_heavy_pollution(session, event: Event) -> dict:
    """The districts told of (one, or for the city-wide subscribers every one newly heavy that day), with the
    health effect and advice of the worst level among them."""
    if event.place_id is not None:
        districts = [(event.place, int(event.params["aqi"]))]
    else:
        places = {place.id: place for place in session.scalars(select(Place).where(
            Place.id.in_([place_id for place_id, _aqi in event.params["districts"]])))}
        districts = [(places[place_id], int(aqi)) for place_id, aqi in event.params["districts"]]
    worst = category_of(max(aqi for _place, aqi in districts))
    return {"single": len(districts) == 1,
            "districts": [{"place": place, "aqi": aqi, "level_title": category_title(category_of(aqi))}
                          for place, aqi in districts],
            "places": format_list([place.name for place, _aqi in districts], locale=str(get_locale())),
            "day": date.fromisoformat(event.params["day"]), "aqi": max(aqi for _place, aqi in districts),
            "level_title": category_title(worst), "health_effect": health_effect(worst), "advice": advice(worst),
            "air_url": public_url("environment.index")}
