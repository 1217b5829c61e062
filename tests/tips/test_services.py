"""Tip services against the database: reporting, each handling step with its checks, timeline and audit entry,
extensions, the reporter's rating, the audited look at the reporter, and photos re-encoded on the way in."""
import hashlib
import io
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, text

from app.audit import AuditEntry
from app.casework import codes
from app.extensions import db
from app.tips import policy, services
from app.tips.models import TipPhoto
from app.tips.services import Rules, TipError
from app.tips.workflow import OFFICE_STEPS, REPORTER_STEPS, Step, TipState
from app.workdays.models import CalendarDay, overrides
from tests.tips.conftest import (LATITUDE, LONGITUDE, MONDAY, NATIONAL_DAY, PDF, gps_exif, image_bytes,
                                 jpeg_with_gps, png_declaring)

MB = 1024 * 1024
LATER = MONDAY + timedelta(days=10)
KEY = "a-test-key-of-the-site-0123456789"  # Thursday 8 October 2026, the first working day after the holiday week


@pytest.fixture(autouse=True)
def english(app):
    """Messages in English, as a request with ?lang=en would have them."""
    with app.test_request_context("/?lang=en"):
        yield


def audits(session, action):
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def events(tip):
    db.session.refresh(tip)
    return [(e.step, e.public, e.note) for e in tip.events]


def walk(session, staff, tip, *steps, now=LATER, rules=None):
    """Take the given steps as the admin (office) or the home handler (investigate, conclude)."""
    for step in steps:
        actor = staff["admin"] if step in OFFICE_STEPS else staff["tip_handler"]
        extra = {"bureau": staff["bureaus"]["home"]} if step == Step.ASSIGN else {}
        if step == Step.CONCLUDE:
            extra = {"findings": "现场检查属实", "reply": "已责令整改并处罚款", "measures_taken": "罚款五万元",
                     "finding": "substantiated"}
        services.take_step(session, actor, tip, step, rules or Rules(), now=now, **extra)
    session.commit()


TO_INVESTIGATING = (Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE)
TO_CONCLUDED = TO_INVESTIGATING + (Step.CONCLUDE,)


# Tracking codes

def test_a_tracking_code_is_sixteen_unambiguous_characters_in_four_groups():
    code = codes.new_code()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}", code)
    assert not set(code) & set("01ILO")
    assert len({codes.new_code() for _ in range(50)}) == 50


def test_a_code_typed_in_lower_case_or_with_spaces_finds_the_same_hash():
    code = "ABCD-EFGH-JKMN-PQRS"
    assert codes.normalise(" abcd efgh-jkmn pqrs ") == "ABCDEFGHJKMNPQRS"
    assert codes.digest("abcd efgh jkmn pqrs", KEY) == codes.digest(code, KEY)
    assert codes.legacy_digest(code) == hashlib.sha256(b"ABCDEFGHJKMNPQRS").hexdigest()


# Reporting

def test_submitting_stores_only_the_hash_of_the_tracking_code(session, report):
    tip, code = report(rules=Rules(code_key=KEY))
    assert tip.code_hash == codes.digest(code, KEY)
    raw = session.execute(text("SELECT * FROM tips WHERE id = :id"), {"id": tip.id}).one()
    for value in raw:
        assert code not in str(value) and codes.normalise(code) not in str(value)


def test_the_tracking_code_is_nowhere_in_the_database(session, report):
    _, code = report(anonymous=False)
    for table in db.metadata.sorted_tables:
        for row in session.execute(select(table)):
            assert codes.normalise(code) not in repr(tuple(row)), table.name
            assert code not in repr(tuple(row)), table.name


def test_a_tip_goes_to_the_bureau_of_its_first_routed_category(session, city, report):
    assert report(categories=[city.air])[0].bureau_id == city.home.id
    assert report(categories=[city.water])[0].bureau_id == city.elsewhere.id
    assert report(categories=[city.other, city.water, city.air])[0].bureau_id == city.elsewhere.id
    assert report(categories=[city.other])[0].bureau_id is None


def test_a_new_tip_is_submitted_with_its_categories_place_and_a_public_timeline_entry(session, city, report):
    tip, _ = report(categories=[city.air, city.other], latitude=LATITUDE, longitude=LONGITUDE, reported_unit="某化工厂")
    session.expire_all()
    assert tip.state == TipState.SUBMITTED and {c.code for c in tip.categories} == {"air", "other"}
    assert tip.district_id == city.district.id and tip.latitude == LATITUDE and tip.longitude == LONGITUDE
    assert tip.reported_unit == "某化工厂" and tip.conclude_due is None
    assert events(tip) == [("submitted", True, "")]


def test_an_anonymous_tip_keeps_no_name_or_phone_even_if_given(session, city):
    data = services.TipInput(categories=[city.air], description="河面漂浮大量死鱼", district=city.district,
                             address="东湖", anonymous=True, reporter_name="李四", reporter_phone="13900000000")
    tip, _ = services.submit_tip(session, data, [], Rules(), "")
    assert tip.anonymous and tip.reporter_name == "" and tip.reporter_phone == ""


def test_a_named_tip_keeps_the_name_and_phone(session, report):
    tip, _ = report(anonymous=False)
    assert not tip.anonymous and (tip.reporter_name, tip.reporter_phone) == ("张三", "13800000000")


def test_acceptance_is_due_fifteen_calendar_days_after_submission(report):
    tip, _ = report(now=MONDAY)
    assert tip.submitted_at == MONDAY
    assert tip.accept_due == date(2026, 10, 13)


def test_acceptance_in_working_days_skips_weekends_and_the_holiday_week(report):
    tip, _ = report(now=MONDAY, rules=Rules(working_days=True, overrides=NATIONAL_DAY))
    assert tip.accept_due == date(2026, 10, 23)
    plain, _ = report(now=MONDAY, rules=Rules(working_days=True))
    assert plain.accept_due == date(2026, 10, 19)


def test_acceptance_in_working_days_uses_the_stored_calendar(session, report):
    session.add_all([CalendarDay(day=day, is_working_day=working) for day, working in NATIONAL_DAY.items()])
    session.commit()
    tip, _ = report(now=MONDAY, rules=Rules(working_days=True, overrides=overrides(session)))
    assert tip.accept_due == date(2026, 10, 23)


def test_acceptance_counts_from_the_local_date_of_submission(report):
    # 23:30 UTC on 8 October is 07:30 on 9 October in Beijing (Asia/Shanghai, the configured time zone).
    tip, _ = report(now=datetime(2026, 10, 8, 23, 30, tzinfo=timezone.utc))
    assert tip.accept_due == date(2026, 10, 24)


def test_photos_sent_with_a_tip_are_stored_uncleared(session, report, photo_dir):
    photo = services.process_photo(jpeg_with_gps(), 3 * MB)
    tip, _ = report(photos=[photo], upload_dir=photo_dir)
    session.expire_all()
    assert len(tip.photos) == 1
    stored = tip.photos[0]
    assert stored.kind == "jpeg" and not stored.cleared and not stored.by_staff and stored.size == len(photo[0])
    assert (Path(photo_dir) / stored.stored_name).read_bytes() == photo[0]


# Who handles a tip

def test_admins_handle_every_tip_and_handlers_only_their_bureaus(session, staff, city, report, other_handler):
    home_tip, _ = report(categories=[city.air])
    unrouted, _ = report(categories=[city.other])
    assert policy.can_handle(staff["admin"], home_tip) and policy.can_handle(staff["admin"], unrouted)
    assert policy.can_handle(staff["tip_handler"], home_tip)
    assert not policy.can_handle(other_handler, home_tip)
    assert not policy.can_handle(staff["tip_handler"], unrouted)
    assert not policy.can_handle(staff["bureau_editor"], home_tip)  # same bureau, but not a tip handler


def test_an_inactive_account_handles_nothing(session, staff, report):
    tip, _ = report()
    staff["tip_handler"].active = False
    staff["admin"].active = False
    assert not policy.can_handle(staff["tip_handler"], tip) and not policy.can_handle(staff["admin"], tip)


def test_a_transfer_moves_the_tip_out_of_the_first_handlers_reach(session, staff, city, report, other_handler):
    tip, _ = report()
    walk(session, staff, tip, *TO_INVESTIGATING)
    services.take_step(session, staff["admin"], tip, Step.TRANSFER, Rules(), bureau=city.elsewhere)
    assert not policy.can_handle(staff["tip_handler"], tip) and policy.can_handle(other_handler, tip)


# The handling steps

def test_accepting_starts_the_conclusion_deadline_with_a_public_entry_and_an_audit_entry(session, staff, report):
    tip, _ = report(now=MONDAY)
    services.take_step(session, staff["admin"], tip, Step.ACCEPT, Rules(), now=LATER)
    session.commit()
    assert tip.state == TipState.ACCEPTED and tip.accepted_at == LATER
    assert tip.conclude_due == date(2026, 12, 7)  # 8 October + 60 calendar days
    assert events(tip)[-1] == ("accept", True, "")
    [entry] = audits(session, "tips.accept")
    assert entry.actor_id == staff["admin"].id and entry.object_type == "tips" and entry.object_id == str(tip.id)
    assert entry.before["state"] == "submitted" and entry.after["state"] == "accepted"
    assert entry.after["conclude_due"] == "2026-12-07"


def test_accepting_in_working_days_counts_the_conclusion_deadline_in_working_days(session, staff, report):
    tip, _ = report(now=MONDAY)
    rules = Rules(working_days=True, overrides=NATIONAL_DAY, conclude_days=5)
    services.take_step(session, staff["admin"], tip, Step.ACCEPT, rules, now=MONDAY)
    assert tip.conclude_due == date(2026, 10, 10)  # 29, 30 Sep; 8, 9, 10 (worked Saturday) Oct


def test_a_note_with_a_step_goes_to_the_internal_timeline_and_the_audit(session, staff, report):
    tip, _ = report()
    services.take_step(session, staff["admin"], tip, Step.ACCEPT, Rules(), note="  请水利局协助  ")
    session.commit()
    assert events(tip)[-2:] == [("accept", True, ""), ("note", False, "请水利局协助")]
    assert audits(session, "tips.accept")[0].note == "请水利局协助"


def test_not_accepting_needs_a_reason(session, staff, report):
    tip, _ = report()
    with pytest.raises(TipError, match="Say why"):
        services.take_step(session, staff["admin"], tip, Step.REJECT, Rules(), note="   ")
    assert tip.state == TipState.SUBMITTED


def test_not_accepting_shows_the_reason_publicly_and_is_audited(session, staff, report):
    tip, _ = report()
    services.take_step(session, staff["admin"], tip, Step.REJECT, Rules(), note="属于劳动纠纷，请向人社局反映")
    session.commit()
    assert tip.state == TipState.NOT_ACCEPTED and tip.not_accepted_reason == "属于劳动纠纷，请向人社局反映"
    assert events(tip)[-1] == ("reject", True, "属于劳动纠纷，请向人社局反映")
    assert len(events(tip)) == 2  # the reason is not repeated as an internal note
    assert audits(session, "tips.reject")[0].after["state"] == "not_accepted"


def test_assigning_needs_a_bureau(session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT)
    with pytest.raises(TipError, match="Choose the bureau"):
        services.take_step(session, staff["admin"], tip, Step.ASSIGN, Rules())
    assert tip.state == TipState.ACCEPTED


def test_assigning_sets_the_bureau_with_a_public_entry_naming_it(session, staff, city, report):
    tip, _ = report(categories=[city.other])
    walk(session, staff, tip, Step.ACCEPT)
    services.take_step(session, staff["admin"], tip, Step.ASSIGN, Rules(), bureau=city.elsewhere)
    session.commit()
    assert tip.state == TipState.ASSIGNED and tip.bureau_id == city.elsewhere.id
    last = tip.events[-1]
    assert (last.step, last.public, last.bureau_id) == ("assign", True, city.elsewhere.id)
    [entry] = audits(session, "tips.assign")
    assert entry.before["bureau_id"] is None and entry.after["bureau_id"] == city.elsewhere.id


def test_a_transfer_needs_another_bureau(session, staff, city, report):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT, Step.ASSIGN)
    with pytest.raises(TipError, match="Choose the bureau"):
        services.take_step(session, staff["admin"], tip, Step.TRANSFER, Rules())
    with pytest.raises(TipError, match="already with this bureau"):
        services.take_step(session, staff["admin"], tip, Step.TRANSFER, Rules(), bureau=city.home)
    services.take_step(session, staff["admin"], tip, Step.TRANSFER, Rules(), bureau=city.elsewhere)
    session.commit()
    assert tip.state == TipState.ASSIGNED and tip.bureau_id == city.elsewhere.id
    assert events(tip)[-1] == ("transfer", True, "")
    assert audits(session, "tips.transfer")[0].after["bureau_id"] == city.elsewhere.id


def test_the_bureaus_handler_starts_the_investigation(session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT, Step.ASSIGN)
    services.take_step(session, staff["tip_handler"], tip, Step.INVESTIGATE, Rules())
    session.commit()
    assert tip.state == TipState.INVESTIGATING and events(tip)[-1] == ("investigate", True, "")
    assert audits(session, "tips.investigate")[0].actor_id == staff["tip_handler"].id


@pytest.mark.parametrize("fields", [
    {},
    {"findings": "属实", "reply": "   "},
    {"findings": "", "reply": "已处理", "measures_taken": "罚款"},
], ids=["nothing", "no reply", "no findings"])
def test_concluding_needs_findings_and_a_reply(session, staff, report, fields):
    tip, _ = report()
    walk(session, staff, tip, *TO_INVESTIGATING)
    with pytest.raises(TipError, match="findings and the reply"):
        services.take_step(session, staff["tip_handler"], tip, Step.CONCLUDE, Rules(), **fields)
    assert tip.state == TipState.INVESTIGATING and tip.concluded_at is None


def test_concluding_publishes_the_reply_and_keeps_the_staff_photos(session, staff, report, photo_dir):
    tip, _ = report()
    walk(session, staff, tip, *TO_INVESTIGATING)
    site = services.process_photo(image_bytes("PNG"), 3 * MB)
    services.take_step(session, staff["tip_handler"], tip, Step.CONCLUDE, Rules(), findings=" 现场检查属实 ",
                       measures_taken="责令停产", reply=" 已责令整改 ", photos=[site], upload_dir=photo_dir, now=LATER)
    session.commit()
    assert tip.state == TipState.CONCLUDED and tip.concluded_at == LATER
    assert (tip.findings, tip.measures_taken, tip.reply) == ("现场检查属实", "责令停产", "已责令整改")
    assert events(tip)[-1] == ("conclude", True, "已责令整改")
    [photo] = tip.photos
    assert photo.by_staff and photo.kind == "png" and not photo.cleared
    assert audits(session, "tips.conclude")[0].after["state"] == "concluded"


def test_closing_without_a_rating_says_so_internally(session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, *TO_CONCLUDED, Step.CLOSE)
    assert tip.state == TipState.CLOSED
    assert events(tip)[-2:] == [("close", True, ""), ("note", False, "Closed without a rating from the reporter.")]
    assert audits(session, "tips.close")[0].note == "Closed without a rating from the reporter."


@pytest.mark.parametrize("step", sorted(OFFICE_STEPS), ids=str)
def test_a_bureau_handler_cannot_take_an_office_step(session, staff, report, step):
    tip, _ = report()
    with pytest.raises(TipError, match="Only the office"):
        services.take_step(session, staff["tip_handler"], tip, step, Rules(), note="试试",
                           bureau=staff["bureaus"]["other"])
    session.commit()
    assert tip.state == TipState.SUBMITTED and audits(session, f"tips.{step.value}") == []
    assert events(tip) == [("submitted", True, "")]


@pytest.mark.parametrize("step", sorted(REPORTER_STEPS), ids=str)
def test_staff_cannot_rate_for_the_reporter(session, staff, report, step):
    tip, _ = report()
    walk(session, staff, tip, *TO_CONCLUDED)
    with pytest.raises(TipError, match="Only the reporter"):
        services.take_step(session, staff["admin"], tip, step, Rules())
    assert tip.state == TipState.CONCLUDED


@pytest.mark.parametrize("done, step", [
    ((), Step.CONCLUDE),
    ((), Step.ASSIGN),
    ((), Step.CLOSE),
    ((Step.ACCEPT,), Step.ACCEPT),
    ((Step.ACCEPT,), Step.INVESTIGATE),
    (TO_CONCLUDED, Step.TRANSFER),
    ((Step.REJECT,), Step.ACCEPT),
], ids=lambda v: v.value if isinstance(v, Step) else "-".join(s.value for s in v) or "submitted")
def test_a_step_the_state_does_not_allow_is_refused_without_a_trace(session, staff, report, done, step):
    tip, _ = report()
    if done == (Step.REJECT,):
        services.take_step(session, staff["admin"], tip, Step.REJECT, Rules(), note="不属于受理范围")
        session.commit()
    else:
        walk(session, staff, tip, *done)
    state, before = tip.state, events(tip)
    count = len(session.scalars(select(AuditEntry)).all())
    with pytest.raises(TipError, match="This step is not possible"):
        services.take_step(session, staff["admin"], tip, step, Rules(), note="x", bureau=staff["bureaus"]["other"],
                           findings="x", reply="x")
    session.commit()
    assert tip.state == state and events(tip) == before
    assert len(session.scalars(select(AuditEntry)).all()) == count


def test_the_whole_way_from_report_to_close_leaves_a_public_timeline(session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, *TO_CONCLUDED)
    services.rate(session, tip, True, "")
    session.commit()
    assert [(step, public) for step, public, _ in events(tip)] == [
        ("submitted", True), ("accept", True), ("assign", True), ("investigate", True), ("conclude", True),
        ("rated_satisfied", True)]


# Extensions

def test_an_extension_is_asked_only_while_the_tip_is_handled(session, staff, report):
    tip, _ = report()
    with pytest.raises(TipError, match="only be asked for while"):
        services.request_extension(session, staff["tip_handler"], tip, 10, "现场取样需要时间", Rules(), now=LATER)
    walk(session, staff, tip, *TO_CONCLUDED)
    with pytest.raises(TipError, match="only be asked for while"):
        services.request_extension(session, staff["tip_handler"], tip, 10, "现场取样需要时间", Rules(), now=LATER)


@pytest.mark.parametrize("days, reason, message", [
    (0, "需要检测", "between 1 and 30 days"),
    (31, "需要检测", "between 1 and 30 days"),
    (-5, "需要检测", "between 1 and 30 days"),
    (10, "   ", "Give the reason"),
])
def test_an_extension_needs_at_most_the_maximum_days_and_a_reason(session, staff, report, days, reason, message):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT)
    with pytest.raises(TipError, match=message):
        services.request_extension(session, staff["tip_handler"], tip, days, reason,
                                   Rules(extension_max_days=30), now=LATER)
    assert tip.extension_state is None


def test_a_requested_extension_is_internal_and_audited(session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, *TO_INVESTIGATING)
    services.request_extension(session, staff["tip_handler"], tip, 30, " 水样送省站检测 ",
                               Rules(extension_max_days=30), now=LATER)
    session.commit()
    assert (tip.extension_state, tip.extension_days, tip.extension_reason) == ("requested", 30, "水样送省站检测")
    assert events(tip)[-1] == ("extension_requested", False, "水样送省站检测")
    [entry] = audits(session, "tips.extension_request")
    assert entry.actor_id == staff["tip_handler"].id and entry.after == {"days": 30}


def test_only_one_extension_is_ever_asked(session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT)
    services.request_extension(session, staff["tip_handler"], tip, 10, "需要检测", Rules(), now=LATER)
    with pytest.raises(TipError, match="only one is allowed"):
        services.request_extension(session, staff["tip_handler"], tip, 5, "还需要", Rules(), now=LATER)
    services.decide_extension(session, staff["admin"], tip, False, Rules(), now=LATER)
    with pytest.raises(TipError, match="only one is allowed"):
        services.request_extension(session, staff["tip_handler"], tip, 5, "再试一次", Rules(), now=LATER)


def test_approving_an_extension_moves_the_conclusion_deadline(session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT)
    assert tip.conclude_due == date(2026, 12, 7)
    services.request_extension(session, staff["tip_handler"], tip, 10, "需要检测", Rules(), now=LATER)
    services.decide_extension(session, staff["admin"], tip, True, Rules(), now=LATER)
    session.commit()
    assert tip.extension_state == "approved" and tip.conclude_due == date(2026, 12, 17)
    step, public, note = events(tip)[-1]
    assert (step, public) == ("extension_approved", True) and "10" in note and "需要检测" in note
    [entry] = audits(session, "tips.extension_approve")
    assert entry.before["conclude_due"] == "2026-12-07" and entry.after["conclude_due"] == "2026-12-17"


def test_an_extension_in_working_days_moves_the_deadline_by_working_days(session, staff, report):
    rules = Rules(working_days=True, overrides=NATIONAL_DAY, conclude_days=1)
    tip, _ = report(now=MONDAY, rules=rules)
    walk(session, staff, tip, Step.ACCEPT, now=MONDAY + timedelta(days=1), rules=rules)
    assert tip.conclude_due == date(2026, 9, 30)
    services.request_extension(session, staff["tip_handler"], tip, 3, "节假日", rules, now=MONDAY + timedelta(days=1))
    services.decide_extension(session, staff["admin"], tip, True, rules, now=MONDAY + timedelta(days=1))
    assert tip.conclude_due == date(2026, 10, 10)  # 8, 9 and the worked Saturday 10 October


def test_refusing_an_extension_keeps_the_deadline(session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT)
    services.request_extension(session, staff["tip_handler"], tip, 10, "需要检测", Rules(), now=LATER)
    services.decide_extension(session, staff["admin"], tip, False, Rules(), now=LATER)
    session.commit()
    assert tip.extension_state == "refused" and tip.conclude_due == date(2026, 12, 7)
    assert events(tip)[-1] == ("extension_refused", False, "")
    assert len(audits(session, "tips.extension_refuse")) == 1


def test_only_the_office_decides_an_extension_and_only_a_requested_one(session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT)
    with pytest.raises(TipError, match="No extension is waiting"):
        services.decide_extension(session, staff["admin"], tip, True, Rules(), now=LATER)
    services.request_extension(session, staff["tip_handler"], tip, 10, "需要检测", Rules(), now=LATER)
    with pytest.raises(TipError, match="Only the office"):
        services.decide_extension(session, staff["tip_handler"], tip, True, Rules(), now=LATER)
    services.decide_extension(session, staff["admin"], tip, True, Rules(), now=LATER)
    with pytest.raises(TipError, match="No extension is waiting"):
        services.decide_extension(session, staff["admin"], tip, True, Rules(), now=LATER)
    assert tip.conclude_due == date(2026, 12, 17)


# The reporter's rating

def test_a_tip_is_rated_only_once_concluded(session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, *TO_INVESTIGATING)
    with pytest.raises(TipError, match="once the tip is concluded"):
        services.rate(session, tip, True, "")
    assert tip.rating is None


def test_a_satisfied_reporter_closes_the_case(session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, *TO_CONCLUDED)
    services.rate(session, tip, True, " 处理很及时 ")
    session.commit()
    assert tip.state == TipState.CLOSED and tip.rating == "satisfied" and tip.rating_comment == "处理很及时"
    assert events(tip)[-2:] == [("rated_satisfied", True, ""), ("rating_comment", False, "处理很及时")]
    [entry] = audits(session, "tips.rate")
    assert entry.actor_id is None and entry.after == {"rating": "satisfied", "state": "closed"}


def test_not_satisfied_without_a_review_closes_the_case(session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, *TO_CONCLUDED)
    services.rate(session, tip, False, "")
    session.commit()
    assert tip.state == TipState.CLOSED and tip.rating == "unsatisfied" and tip.review_due is None
    assert events(tip)[-1] == ("rated_unsatisfied_closed", True, "")
    assert audits(session, "tips.rate")[0].after == {"rating": "unsatisfied", "state": "closed"}


def test_a_closed_case_cannot_be_rated_again(session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, *TO_CONCLUDED)
    services.rate(session, tip, True, "")
    with pytest.raises(TipError):
        services.rate(session, tip, False, "")
    assert tip.rating == "satisfied"


def test_a_long_rating_comment_is_cut_to_a_thousand_characters(session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, *TO_CONCLUDED)
    services.rate(session, tip, True, "好" * 1500)
    assert len(tip.rating_comment) == 1000


# The reporter's identity and photo clearing

def test_revealing_the_reporter_returns_name_and_phone_and_is_audited(session, staff, report):
    tip, _ = report(anonymous=False)
    assert services.reveal_reporter(session, staff["tip_handler"], tip) == {"name": "张三", "phone": "13800000000"}
    session.commit()
    [entry] = audits(session, "tips.reporter_viewed")
    assert entry.actor_id == staff["tip_handler"].id and entry.object_type == "tips" and entry.object_id == str(tip.id)
    services.reveal_reporter(session, staff["admin"], tip)
    session.commit()
    assert len(audits(session, "tips.reporter_viewed")) == 2  # every look


def test_clearing_and_hiding_a_photo_is_audited(session, staff, report, photo_dir):
    tip, _ = report(photos=[services.process_photo(image_bytes(), 3 * MB)], upload_dir=photo_dir)
    photo = tip.photos[0]
    services.clear_photo(session, staff["admin"], photo, True)
    session.commit()
    assert photo.cleared
    services.clear_photo(session, staff["admin"], photo, False)
    session.commit()
    assert not session.get(TipPhoto, photo.id).cleared
    assert [e.object_id for e in audits(session, "tips.photo_clear")] == [str(photo.id)]
    assert [e.object_type for e in audits(session, "tips.photo_hide")] == ["tip_photos"]


# Photos

def test_a_jpeg_comes_back_without_its_gps_and_camera_exif():
    original = jpeg_with_gps()
    source = Image.open(io.BytesIO(original))
    assert source.getexif().get_ifd(0x8825) and source.getexif()[0x010F] == "PhoneMaker"  # the test photo has them
    data, kind = services.process_photo(original, 3 * MB)
    cleaned = Image.open(io.BytesIO(data))
    assert kind == "jpeg" and cleaned.format == "JPEG" and cleaned.size == (64, 48)
    assert dict(cleaned.getexif()) == {} and "exif" not in cleaned.info
    assert b"PhoneMaker" not in data and b"Model Seven" not in data


def test_a_photo_taken_sideways_is_turned_upright_before_its_exif_is_dropped():
    data, _ = services.process_photo(jpeg_with_gps(orientation=6), 3 * MB)
    cleaned = Image.open(io.BytesIO(data))
    assert cleaned.size == (48, 64) and dict(cleaned.getexif()) == {}


@pytest.mark.parametrize("fmt, kind", [("PNG", "png"), ("WEBP", "webp")])
def test_png_and_webp_photos_are_accepted_and_lose_their_exif_too(fmt, kind):
    data, found = services.process_photo(image_bytes(fmt, exif=gps_exif()), 3 * MB)
    assert found == kind and dict(Image.open(io.BytesIO(data)).getexif()) == {} and b"PhoneMaker" not in data


def test_a_jpeg_comment_does_not_survive_the_re_encoding():
    original = image_bytes("JPEG", comment=b"Zhang San, 13800000000")
    data, _ = services.process_photo(original, 3 * MB)
    assert b"Zhang San" not in data


def test_a_cmyk_jpeg_is_saved_as_rgb():
    data, _ = services.process_photo(image_bytes("JPEG", mode="CMYK"), 3 * MB)
    assert Image.open(io.BytesIO(data)).mode == "RGB"


@pytest.mark.parametrize("data", [PDF, b"just some text", b"", b"GIF89a\x01\x00\x01\x00"],
                         ids=["a PDF renamed .jpg", "text", "empty", "GIF"])
def test_anything_but_jpeg_png_or_webp_is_refused_by_its_content(data):
    with pytest.raises(TipError, match="Photos must be JPEG, PNG or WebP images"):
        services.process_photo(data, 3 * MB)


def test_a_small_png_of_a_hundred_million_pixels_is_refused():
    bomb = image_bytes("PNG", size=(10_000, 10_000), mode="1")
    assert len(bomb) < 100_000  # tiny on disk
    with pytest.raises(TipError, match="too large in pixels"):
        services.process_photo(bomb, 3 * MB)


@pytest.mark.parametrize("width, height", [(100_000, 100_000), (8_000, 6_000)],
                         ids=["beyond Pillow's own limit", "beyond the 40-megapixel limit"])
def test_a_png_whose_header_declares_huge_dimensions_is_refused_before_decoding(width, height):
    with pytest.raises(TipError, match="too large in pixels"):
        services.process_photo(png_declaring(width, height), 3 * MB)


def test_a_png_whose_header_lies_within_the_limit_is_refused_as_unreadable():
    with pytest.raises(TipError, match="could not be read"):
        services.process_photo(png_declaring(6_000, 6_000), 3 * MB)


def test_a_truncated_jpeg_is_refused_as_unreadable():
    whole = image_bytes("JPEG", size=(300, 200))
    with pytest.raises(TipError, match="could not be read"):
        services.process_photo(whole[: len(whole) // 2], 3 * MB)


def test_a_photo_over_the_size_limit_is_refused():
    data = jpeg_with_gps(size=(400, 300))
    services.process_photo(data, len(data))  # exactly at the limit is fine
    with pytest.raises(TipError, match="smaller than 3 MB"):
        services.process_photo(data + b"\x00" * (3 * MB), 3 * MB)
    with pytest.raises(TipError):
        services.process_photo(data, len(data) - 1)
