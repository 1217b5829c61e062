"""Pages for the public list with its map, the statistics, the exposure board, a merged report's status page,
and the office's forms for merging, rewards, the exposure board and escalation (with their bad input)."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.tips import services
from app.tips.services import Rules
from app.tips.workflow import OFFICE_STEPS, Step, TipState
from tests.tips.conftest import LATITUDE, LONGITUDE

HTMX = {"HX-Request": "true"}
TO_CONCLUDED = (Step.ACCEPT, Step.ASSIGN, Step.INVESTIGATE, Step.CONCLUDE)


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


def walk(session, staff, tip, *steps):
    for step in steps:
        actor = staff["admin"] if step in OFFICE_STEPS else staff["tip_handler"]
        extra = {"bureau": staff["bureaus"]["home"]} if step == Step.ASSIGN else {}
        if step == Step.CONCLUDE:
            extra = {"findings": "现场检查属实", "reply": "已责令整改", "measures_taken": "罚款五万元",
                     "finding": "substantiated"}
        services.take_step(session, actor, tip, step, Rules(), **extra)
    session.commit()


def post(client, csrf, url, **data):
    return client.post(url, data={"csrf_token": csrf.token(client), **data})


# The public list and its map

def test_the_list_filters_by_status_kind_and_district_and_keeps_the_filters_in_the_pages(client, session, staff,
                                                                                          city, report):
    air, _ = report()
    water, _ = report(categories=[city.water])
    services.take_step(session, staff["admin"], water, Step.REJECT, Rules(), note="不属于本市")
    session.commit()
    open_only = client.get("/tips/?status=open").get_data(as_text=True)
    assert air.public_number in open_only and water.public_number not in open_only
    by_kind = client.get(f"/tips/?category={city.water.id}").get_data(as_text=True)
    assert water.public_number in by_kind and air.public_number not in by_kind
    assert "No reports match." in client.get("/tips/?district=999999").get_data(as_text=True)
    assert air.public_number in client.get("/tips/?status=nonsense&category=x").get_data(as_text=True)


def test_the_list_filter_answers_htmx_with_the_list_alone(client, report):
    tip, _ = report()
    response = client.get("/tips/?status=open", headers=HTMX)
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="tip-list"') and "<html" not in html and tip.public_number in html
    assert "HX-Request" in response.headers["Vary"]


def test_the_map_places_rounded_points_and_never_prints_coordinates(app, client, report):
    report(latitude=LATITUDE, longitude=LONGITUDE)
    report()  # no point: not on the map
    html = client.get("/tips/").get_data(as_text=True)
    circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', html)
    # TIP_BOUNDS 29.0–32.5 N, 111.0–116.5 E; the point rounded to 30.55, 114.33
    assert circles == [("605.5", "557.1")]
    assert "30.55" not in html and "114.33" not in html and str(LATITUDE) not in html


# Statistics

def test_the_statistics_page_shows_the_years_figures_by_kind_and_district(client, session, staff, city, report):
    tip, _ = report()
    walk(session, staff, tip, Step.ACCEPT)
    html = client.get("/tips/stats").get_data(as_text=True)
    assert "Acceptance rate" in html and "100.0%" in html and "Air pollution" in html and "Wuchang District" in html
    fragment = client.get(f"/tips/stats?district={city.district.id}", headers=HTMX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="tip-stats"') and "Wuchang District" in fragment
    empty = client.get("/tips/stats?year=1999").get_data(as_text=True)
    assert "No reports in this period." in empty


# The exposure board

def test_the_exposure_board_shows_the_offices_words_and_no_personal_data(client, session, staff, report):
    tip, code = report(anonymous=False, reported_unit="某化工厂")
    walk(session, staff, tip, *TO_CONCLUDED)
    services.publish_exposure(session, staff["admin"], tip, "夜间偷排废气被查处", "经查属实，责令停产整改。")
    session.commit()
    html = client.get("/exposure").get_data(as_text=True)
    assert "夜间偷排废气被查处" in html and "责令停产整改" in html and "罚款五万元" in html
    for secret in ("张三", "13800000000", code, "和平大道100号"):
        assert secret not in html
    english = client.get("/exposure?lang=en").get_data(as_text=True)
    assert '<h2 id="case-%d" lang="zh-Hans">夜间偷排废气被查处</h2>' % tip.id in english
    assert '<p lang="zh-Hans">经查属实，责令停产整改。</p>' in english


def test_an_empty_exposure_board_says_so(client, city):
    assert "No cases have been published yet." in client.get("/exposure").get_data(as_text=True)


# A merged report's status page

def test_a_merged_reporter_follows_the_other_case_to_its_reply(client, session, staff, report):
    first, _ = report()
    second, code = report()
    services.merge_tip(session, staff["admin"], second, first, Rules())
    session.commit()
    walk(session, staff, first, *TO_CONCLUDED)
    html = client.get(f"/tips/track/{code}").get_data(as_text=True)
    assert f"Handled together with report No. {first.public_number}" in html
    assert "已责令整改" in html and "Rate the handling" not in html


def test_the_status_page_shows_the_reward(client, session, staff, report):
    tip, code = report(anonymous=False)
    walk(session, staff, tip, *TO_CONCLUDED)
    from decimal import Decimal

    from app.tips.models import RewardState
    services.set_reward(session, staff["tip_handler"], tip, RewardState.ELIGIBLE)
    services.set_reward(session, staff["admin"], tip, RewardState.GRANTED, Decimal("300"))
    session.commit()
    html = client.get(f"/tips/track/{code}").get_data(as_text=True)
    assert "Reward granted" in html and "300.00 yuan" in html


# The office's forms

def test_the_office_merges_by_the_public_number(client, csrf, auth, session, report):
    first, _ = report()
    second, _ = report()
    auth.login("admin")
    page = client.get(f"/admin/tips/{second.id}").get_data(as_text=True)
    assert f"Possibly the same pollution as tip {first.public_number}" in page
    assert f'value="{first.public_number}"' in page  # the merge form suggests it
    response = post(client, csrf, f"/admin/tips/{second.id}/merge", into=first.public_number)
    assert response.status_code == 303
    session.refresh(second)
    assert second.state == TipState.MERGED and second.merged_into_id == first.id


@pytest.mark.parametrize("number, message", [("", "Enter the number of the tip."),
                                             ("abc", "Enter the number as shown in the lists"),
                                             ("2026-999999", "No tip has this number.")])
def test_a_bad_merge_number_is_shown_again_with_a_message(client, csrf, auth, session, report, number, message):
    tip, _ = report()
    auth.login("admin")
    response = post(client, csrf, f"/admin/tips/{tip.id}/merge", into=number)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    session.refresh(tip)
    assert tip.state == TipState.SUBMITTED


def test_merging_into_a_closed_tip_is_refused_with_the_reason(client, csrf, auth, session, staff, report):
    closed, _ = report()
    services.take_step(session, staff["admin"], closed, Step.REJECT, Rules(), note="重复")
    tip, _ = report()
    session.commit()
    auth.login("admin")
    response = post(client, csrf, f"/admin/tips/{tip.id}/merge", into=closed.public_number)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "only be merged into another open tip" in html
    assert f'value="{closed.public_number}"' in html  # what was typed stays


def test_a_handler_cannot_merge_and_the_attempt_is_audited(client, csrf, auth, session, staff, report):
    first, _ = report()
    second, _ = report()
    auth.login("handler")
    assert post(client, csrf, f"/admin/tips/{second.id}/merge", into=first.public_number).status_code == 403
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "tips.merge_denied")).all()


def test_the_office_grants_a_reward_and_bad_amounts_are_refused(client, csrf, auth, session, staff, report):
    tip, _ = report(anonymous=False)
    walk(session, staff, tip, *TO_CONCLUDED)
    auth.login("handler")
    assert post(client, csrf, f"/admin/tips/{tip.id}/reward", state="eligible").status_code == 303
    auth.logout()
    auth.login("admin")
    bad = post(client, csrf, f"/admin/tips/{tip.id}/reward", state="granted", amount="-3")
    assert bad.status_code == 422 and "Enter an amount above zero." in bad.get_data(as_text=True)
    missing = post(client, csrf, f"/admin/tips/{tip.id}/reward", state="granted", amount="")
    assert missing.status_code == 422 and "Give the amount of the reward." in missing.get_data(as_text=True)
    assert post(client, csrf, f"/admin/tips/{tip.id}/reward", state="paid").status_code == 422  # not a choice yet
    session.refresh(tip)
    assert tip.reward_state == "eligible"


def test_publishing_without_a_summary_keeps_the_title(client, csrf, auth, session, staff, report):
    tip, _ = report()
    walk(session, staff, tip, *TO_CONCLUDED)
    auth.login("admin")
    response = post(client, csrf, f"/admin/tips/{tip.id}/exposure", title="夜间偷排", summary="  ")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Write a public summary." in html and 'value="夜间偷排"' in html
    assert post(client, csrf, f"/admin/tips/{tip.id}/exposure", title="夜间偷排", summary="属实").status_code == 303
    assert "夜间偷排" in client.get("/exposure").get_data(as_text=True)


def test_the_overdue_board_lists_by_bureau_and_escalates(client, csrf, auth, session, staff, report):
    tip, _ = report()
    tip.accept_due = tip.accept_due - timedelta(days=30)
    session.commit()
    auth.login("admin")
    html = client.get("/admin/tips/overdue").get_data(as_text=True)
    assert tip.public_number in html and "Overdue by" in html
    response = post(client, csrf, f"/admin/tips/{tip.id}/escalate", note="请立即受理")
    assert response.status_code == 303
    session.refresh(tip)
    assert tip.escalations == 1 and tip.events[-1].note == "请立即受理"
    auth.logout()
    auth.login("handler")
    assert client.get("/admin/tips/overdue").status_code == 403


def test_the_report_form_shows_open_reports_of_the_same_kind_nearby(client, session, staff, city, report):
    same, _ = report(categories=[city.air])
    other_kind, _ = report(categories=[city.water])
    finished, _ = report(categories=[city.air])
    services.take_step(session, staff["admin"], finished, Step.REJECT, Rules(), note="重复")
    session.commit()
    response = client.get(f"/tips/nearby?district={city.district.id}&categories={city.air.id}", headers=HTMX)
    html = response.get_data(as_text=True)
    assert "Already reported nearby" in html and same.public_number in html
    assert other_kind.public_number not in html and finished.public_number not in html
    assert "和平大道" not in html and "化工厂" not in html  # public fields only
    assert client.get(f"/tips/nearby?district={city.district.id}").get_data(as_text=True).strip() == ""
    assert 'hx-get="/tips/nearby"' in client.get("/tips/new").get_data(as_text=True)


def test_the_exposure_board_is_offered_on_the_home_page_but_not_in_the_phone_menu(client):
    html = client.get("/").get_data(as_text=True)
    menu = html[html.index('<nav class="main-nav"'):html.index("</nav>", html.index('<nav class="main-nav"'))]
    assert 'href="/exposure"' in html and 'href="/exposure"' not in menu
    assert 'href="/tips/"' in menu


def test_the_handler_queue_pages_newest_first(app, client, auth, report):
    app.config["PAGE_SIZE"] = 2
    tips = [report()[0] for _ in range(3)]
    auth.login("admin")
    first = client.get("/admin/tips/").get_data(as_text=True)
    assert tips[2].public_number in first and tips[1].public_number in first and tips[0].public_number not in first
    assert 'rel="next" href="/admin/tips/?page=2"' in first
    second = client.get("/admin/tips/?page=2").get_data(as_text=True)
    assert tips[0].public_number in second and tips[2].public_number not in second and 'rel="prev"' in second
