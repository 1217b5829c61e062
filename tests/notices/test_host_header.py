"""The sitemap and the Atom feeds link to the configured public address whatever Host the client sends."""
import pytest

from tests.notices.test_views import published  # noqa: F401  (fixture)

PUBLIC = "https://eco.example.gov.cn"
HOSTILE = {"Host": "evil.example"}


@pytest.fixture(autouse=True)
def public_base_url(app):
    app.config["PUBLIC_BASE_URL"] = PUBLIC


def test_the_sitemap_ignores_a_hostile_host_header(client, published):
    notice = published()
    body = client.get("/sitemap.xml", headers=HOSTILE).get_data(as_text=True)
    assert "evil.example" not in body
    assert f"<loc>{PUBLIC}/notices/{notice.id}</loc>" in body


def test_the_sitemap_index_ignores_a_hostile_host_header(client, monkeypatch, published):
    from app.notices import views

    for n in range(3):
        published(title=f"公告{n}")
    monkeypatch.setattr(views, "SITEMAP_PART", 2)
    body = client.get("/sitemap.xml", headers=HOSTILE).get_data(as_text=True)
    assert "evil.example" not in body and f"<loc>{PUBLIC}/sitemap-1.xml</loc>" in body


@pytest.mark.parametrize("path", ["/notices/feed.atom", "/notices/categories/quality/feed.atom"])
def test_the_atom_feeds_ignore_a_hostile_host_header(client, published, city, path):
    published()
    body = client.get(path, headers=HOSTILE).get_data(as_text=True)
    assert "evil.example" not in body
    assert f'href="{PUBLIC}/notices/' in body
