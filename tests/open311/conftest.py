"""Shared set-up for Open311 tests: the tips fixtures (a district, categories routed to bureaus, a way to
file a tip), a sub-type, an issued API key, and helpers to read XML and JSON answers."""
import json
from xml.etree import ElementTree

import pytest

from app.open311 import services
from app.tips.models import TipCategory
from tests.tips.conftest import city, other_handler, photo_dir, report  # noqa: F401  (fixtures)


@pytest.fixture
def subtype(session, city):
    """黑烟 (black smoke), a sub-type of air pollution."""
    row = TipCategory(code="air-smoke", parent_id=city.air.id, name_zh_hans="黑烟", name_en="Black smoke",
                      bureau_id=city.home.id, sort_order=10)
    session.add(row)
    session.commit()
    return row


@pytest.fixture
def api_key(session, staff):
    """An active key issued by the admin; returns (row, key)."""
    row, key = services.issue_key(session, staff["admin"], "12369 app")
    session.commit()
    return row, key


def xml(response) -> ElementTree.Element:
    assert response.headers["Content-Type"].startswith("text/xml"), response.headers["Content-Type"]
    text = response.get_data(as_text=True)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(text.split("\n", 1)[1])


def as_json(response):
    assert response.headers["Content-Type"].startswith("application/json"), response.headers["Content-Type"]
    return json.loads(response.get_data(as_text=True))
