"""FixMyStreet's POST servicerequestupdates: a citizen's comment on a request is kept as an internal entry
staff read (with the commenter's details for the office only), answered with its update_id, and published
by a handler of the tip's bureau in words they checked; a client reading the updates recognises it."""
import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.errors import ActionRefused, NotPermitted
from app.open311 import services as open311
from app.open311.models import CitizenComment
from app.tips.models import Tip, TipEvent
from tests.open311.conftest import as_json, xml

V2 = "/open311/v2"
# What FixMyStreet's Open311::post_service_request_update sends (_populate_service_request_update_params).
FMS = {"update_id": "8831", "updated_datetime": "2026-12-01T08:00:00+08:00", "status": "OPEN",
       "description": "工厂今晚又在排黄烟，比上周更严重", "first_name": "Lei", "last_name": "Li",
       "email": "lilei@example.com", "phone": "13700000000", "media_url": "https://fms.example/photo/8831.jpeg"}


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


@pytest.fixture
def tip(report):
    return report()[0]


def post_comment(client, key, tip, fmt="xml", **changes):
    data = {"api_key": key, "service_request_id": tip.public_number, **FMS, "jurisdiction_id": "yunxi",
            "email_alerts_requested": "FALSE", "title": "Mr"}
    data.update(changes)
    return client.post(f"{V2}/servicerequestupdates.{fmt}", data={k: v for k, v in data.items() if v is not None})


def audits(session, action):
    session.expire_all()
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def comment_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(CitizenComment.id)))


def test_fixmystreet_gets_the_update_id_where_it_reads_it(client, session, tip, api_key):
    response = post_comment(client, api_key[1], tip)
    assert response.status_code == 200
    root = xml(response)
    # FixMyStreet reads $obj->{request_update}->[0]->{update_id} from <service_request_updates>.
    assert root.tag == "service_request_updates"
    [update] = root.findall("request_update")
    comment = session.scalar(select(CitizenComment))
    assert update.findtext("update_id") == comment.update_id == f"c{comment.id}"


def test_the_json_answer_is_a_list_of_one_update(client, session, tip, api_key):
    assert as_json(post_comment(client, api_key[1], tip, "json")) == [
        {"update_id": session.scalar(select(CitizenComment)).update_id}]


def test_a_comment_is_kept_for_staff_and_changes_nothing_public(client, session, tip, api_key):
    post_comment(client, api_key[1], tip, status="CLOSED")
    session.expire_all()
    comment = session.scalar(select(CitizenComment))
    assert (comment.client_update_id, comment.client_status, comment.commenter, comment.email) == \
        ("8831", "closed", "Lei Li", "lilei@example.com")
    assert comment.client_datetime.isoformat() == "2026-12-01T00:00:00+00:00"
    assert comment.media_url == FMS["media_url"] and comment.published_event_id is None
    assert comment.event.step == "comment_received" and not comment.event.public
    assert comment.event.note == FMS["description"]
    assert session.get(Tip, tip.id).state == "submitted"  # the client's status is not applied
    entry = audits(session, "open311.comment_receive")[0]
    assert entry.object_id == str(tip.id) and entry.after["client_update_id"] == "8831"
    updates = as_json(client.get(f"{V2}/servicerequestupdates.json"))
    assert [u["description"] for u in updates] == ["Report received"]
    [request] = as_json(client.get(f"{V2}/requests/{tip.public_number}.json"))
    assert FMS["description"] not in str(request) and request["status"] == "open"


def test_the_same_update_sent_again_is_not_copied(client, session, tip, api_key):
    first = xml(post_comment(client, api_key[1], tip)).findtext("request_update/update_id")
    second = xml(post_comment(client, api_key[1], tip)).findtext("request_update/update_id")
    assert first == second and comment_count(session) == 1
    assert xml(post_comment(client, api_key[1], tip, update_id="8832")).findtext("request_update/update_id") != first
    assert comment_count(session) == 2


def test_an_update_id_used_for_another_request_is_refused(client, session, report, tip, api_key):
    post_comment(client, api_key[1], tip)
    other, _ = report(description="另一处噪声扰民")
    response = post_comment(client, api_key[1], other, "json")
    assert response.status_code == 400 and "update_id 8831" in as_json(response)[0]["description"]
    assert comment_count(session) == 1


@pytest.mark.parametrize("key", [None, "", "not-a-key"])
def test_a_comment_needs_a_valid_key_and_refusals_are_audited(client, session, tip, key):
    response = post_comment(client, key, tip, "json")
    assert response.status_code == 403
    assert as_json(response)[0]["code"] == 403 and comment_count(session) == 0
    assert "post_service_request_update" in audits(session, "open311.key_refused")[-1].note


def test_a_revoked_key_cannot_comment(client, session, staff, tip, api_key):
    open311.revoke_key(session, staff["admin"], api_key[0])
    session.commit()
    assert post_comment(client, api_key[1], tip).status_code == 403 and comment_count(session) == 0


@pytest.mark.parametrize("changes, status, description", [
    ({"service_request_id": None}, 400, "service_request_id was not provided."),
    ({"service_request_id": "2026-999999"}, 404, "service_request_id 2026-999999 not found."),
    ({"description": "", "media_url": ""}, 400, "description was not provided."),
    ({"description": "长" * 4001}, 400, "description may be at most 4000 characters."),
    ({"updated_datetime": "yesterday"}, 400,
     "updated_datetime must be a w3 date-time with a time zone, e.g. 2026-09-28T02:00:00Z."),
    ({"email": "x" * 250 + "@example.com"}, 400, "email may be at most 254 characters."),
    ({"update_id": "9" * 65}, 400, "update_id may be at most 64 characters."),
])
def test_bad_comments_get_the_standard_error_and_save_nothing(client, session, tip, api_key, changes, status,
                                                              description):
    response = post_comment(client, api_key[1], tip, "json", **changes)
    assert response.status_code == status
    assert as_json(response) == [{"code": status, "description": description}]
    assert comment_count(session) == 0


def test_a_comment_may_be_up_to_4000_characters_or_only_a_photo_link(client, session, tip, api_key):
    assert post_comment(client, api_key[1], tip, description="长" * 4000).status_code == 200
    assert post_comment(client, api_key[1], tip, update_id="2", description="").status_code == 200
    assert comment_count(session) == 2


# Staff: reading and publishing.

def _comment(client, session, api_key, tip) -> CitizenComment:
    post_comment(client, api_key[1], tip)
    session.expire_all()
    return session.scalar(select(CitizenComment))


def test_the_tip_page_links_the_comment_and_the_handler_sees_the_commenter(client, auth, session, tip, api_key):
    comment = _comment(client, session, api_key, tip)
    auth.login("handler")
    page = client.get(f"/admin/tips/{tip.id}").get_data(as_text=True)
    assert FMS["description"] in page and f"/admin/open311/comments/{comment.event_id}" in page
    page = client.get(f"/admin/open311/comments/{comment.event_id}").get_data(as_text=True)
    assert "Lei Li" in page and "lilei@example.com" in page and FMS["media_url"] in page
    assert audits(session, "open311.commenter_viewed")[0].object_id == str(comment.id)


def test_a_handler_of_another_bureau_cannot_open_or_publish_it(client, auth, csrf, session, tip, api_key,
                                                                other_handler):
    comment = _comment(client, session, api_key, tip)
    auth.login("handler2")
    url = f"/admin/open311/comments/{comment.event_id}"
    assert client.get(url).status_code == 403
    token = csrf.token(client, "/admin/tips/")
    assert client.post(url, data={"csrf_token": token, "text": "x"}).status_code == 403
    assert len(audits(session, "open311.comment_denied")) == 2
    assert session.get(CitizenComment, comment.id).published_event_id is None


def test_the_service_refuses_a_handler_of_another_bureau(session, client, tip, api_key, other_handler):
    comment = _comment(client, session, api_key, tip)
    with pytest.raises(open311.CommentError) as error:
        open311.publish_comment(session, other_handler, comment, "x")
    assert error.value.refused == "open311.comment_denied"


def test_the_services_refusals_are_the_shared_kinds_the_action_helper_shows_and_audits(session, client, staff, tip,
                                                                                        api_key, other_handler):
    comment = _comment(client, session, api_key, tip)
    with pytest.raises(NotPermitted):
        open311.publish_comment(session, other_handler, comment, "x")
    with pytest.raises(ActionRefused) as error:
        open311.publish_comment(session, staff["tip_handler"], comment, "   ")
    assert not isinstance(error.value, NotPermitted) and error.value.field == "text"


def test_publishing_without_text_is_422_with_nothing_saved(client, auth, csrf, session, tip, api_key):
    comment = _comment(client, session, api_key, tip)
    auth.login("handler")
    url = f"/admin/open311/comments/{comment.event_id}"
    response = client.post(url, data={"csrf_token": csrf.token(client, url), "text": "   "})
    assert response.status_code == 422 and "Give the text to publish." in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(CitizenComment, comment.id).published_event_id is None
    assert session.scalar(select(func.count(TipEvent.id)).where(TipEvent.step == "comment")) == 0


def test_a_published_comment_is_public_without_personal_data_and_keeps_its_update_id(client, auth, csrf, session,
                                                                                    tip, api_key):
    comment = _comment(client, session, api_key, tip)
    auth.login("handler")
    url = f"/admin/open311/comments/{comment.event_id}"
    response = client.post(url, data={"csrf_token": csrf.token(client, url), "text": "工厂夜间仍有排放黄烟的情况"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/admin/tips/{tip.id}")
    session.expire_all()
    comment = session.get(CitizenComment, comment.id)
    assert comment.published_event.public and comment.published_event.step == "comment"
    entry = audits(session, "open311.comment_publish")[0]
    assert entry.actor_id is not None and entry.note == "工厂夜间仍有排放黄烟的情况"
    updates = as_json(client.get(f"{V2}/servicerequestupdates.json"))
    assert updates[-1] == {**updates[-1], "update_id": comment.update_id, "status": "open",
                           "description": "Comment from the public: 工厂夜间仍有排放黄烟的情况"}
    for path in ("servicerequestupdates.json", "servicerequestupdates.xml", f"requests/{tip.public_number}.json"):
        text = client.get(f"{V2}/{path}").get_data(as_text=True)
        for secret in ("Lei", "lilei@example.com", "13700000000", FMS["media_url"]):
            assert secret not in text, (path, secret)
    [request] = as_json(client.get(f"{V2}/requests/{tip.public_number}.json"))
    assert "工厂夜间仍有排放黄烟的情况" not in request["status_notes"]  # staff's word only
    assert "工厂夜间仍有排放黄烟的情况" in client.get(f"/admin/tips/{tip.id}").get_data(as_text=True)
    again = client.post(url, data={"csrf_token": csrf.token(client, url), "text": "再发一次"})
    assert again.status_code == 422 and "This comment is public" in again.get_data(as_text=True)
    assert len(audits(session, "open311.comment_publish")) == 1


def test_the_database_wants_who_published_a_comment(client, session, tip, api_key):
    from sqlalchemy.exc import IntegrityError

    comment = _comment(client, session, api_key, tip)
    comment.published_event_id = comment.event_id
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
