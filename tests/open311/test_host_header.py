"""Open311 media links and the discovery endpoint use the configured public address, not the Host header."""
from tests.open311.conftest import as_json
from tests.open311.test_api import V2, concluded_named_tip

PUBLIC = "https://eco.example.gov.cn"
HOSTILE = {"Host": "evil.example"}


def test_media_links_ignore_a_hostile_host_header(app, client, session, staff, report, city, photo_dir):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    tip = concluded_named_tip(session, staff, report, city, photo_dir)
    [body] = as_json(client.get(f"{V2}/requests/{tip.public_number}.json", headers=HOSTILE))
    assert body["media_url"] == f"{PUBLIC}/tips/photos/{tip.photos[0].id}"
    listed = as_json(client.get(f"{V2}/requests.json", headers=HOSTILE))
    assert "evil.example" not in str(listed)


def test_discovery_ignores_a_hostile_host_header(app, client):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    body = as_json(client.get(f"{V2}/discovery.json", headers=HOSTILE))
    assert body["endpoints"][0]["url"] == f"{PUBLIC}/open311/v2"
