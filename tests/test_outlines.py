"""District outlines on the public tips map: GeoJSON read and projected (pure), drawn and labelled on /tips/,
and the demo's schematic tiles said to be schematic."""
import json

import pytest

from app.org import outlines
from tests import factories

BOUNDS = "29.0,32.5,111.0,116.5"


def polygon(ring, **properties):
    return json.dumps({"type": "Feature", "properties": properties,
                       "geometry": {"type": "Polygon", "coordinates": [ring]}})


SQUARE = [[111.0, 32.5], [113.75, 32.5], [113.75, 30.75], [111.0, 30.75], [111.0, 32.5]]


def test_a_feature_polygon_is_read_with_its_schematic_mark():
    outline = outlines.parse(polygon(SQUARE, schematic=True))
    assert outline.ring[0] == (111.0, 32.5) and len(outline.ring) == 5 and outline.schematic
    assert not outlines.parse(json.dumps({"type": "Polygon", "coordinates": [SQUARE]})).schematic


def _bare_polygon(ring) -> str:
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


@pytest.mark.parametrize("text", ["", "not json", json.dumps({"type": "Point", "coordinates": [1, 2]}),
                                  _bare_polygon([[1, 2], [3, 4], [1, 2]]),
                                  _bare_polygon([[1, 2], [3, 4], [5, 6], [7, 8]]),
                                  _bare_polygon([["a", 2], [3, 4], [5, 6], ["a", 2]])])
def test_anything_but_a_closed_polygon_is_refused(text):
    with pytest.raises(outlines.OutlineError):
        outlines.parse(text)


def test_projection_puts_north_up_in_the_map_box_and_labels_the_middle():
    shape = outlines.project("东湖区", outlines.parse(polygon(SQUARE)), BOUNDS)
    assert shape.points == "0,0 500,0 500,500 0,500"
    assert (shape.label_x, shape.label_y) == (250.0, 250.0) and shape.name == "东湖区"


def test_points_outside_the_box_are_clipped_to_its_edge():
    ring = [[110.0, 33.0], [117.0, 33.0], [117.0, 28.0], [110.0, 28.0], [110.0, 33.0]]
    assert outlines.project("x", outlines.parse(polygon(ring)), BOUNDS).points == "0,0 1000,0 1000,1000 0,1000"


def test_schematic_tiles_cover_the_box_four_to_a_row():
    tiles = [outlines.parse(t) for t in outlines.schematic_tiles(BOUNDS, 6)]
    assert all(t.schematic for t in tiles) and len(tiles) == 6
    assert tiles[0].ring[0] == (111.0, 32.5) and tiles[3].ring[1] == (116.5, 32.5)
    assert tiles[4].ring[2] == (112.375, 29.0)  # second row, first column, south-east corner


def test_the_tips_map_draws_named_district_outlines_and_says_they_are_schematic(client, session):
    client.set_cookie("lang", "en")
    outlined = factories.place(session, code="donghu", name_zh_hans="东湖区", name_en="Donghu District",
                               outline=polygon(SQUARE, schematic=True))
    factories.place(session, code="bare", name_zh_hans="无轮廓县", name_en="No Outline County")
    factories.place(session, code="broken", name_zh_hans="坏轮廓县", name_en="Broken County", outline="{")
    session.commit()
    html = client.get("/tips/").get_data(as_text=True)
    assert '<polygon points="0,0 500,0 500,500 0,500" class="district-outline district-outline-schematic"/>' in html
    assert '<text x="250.0" y="250.0" class="district-name" text-anchor="middle">Donghu District</text>' in html
    assert "District outlines are schematic" in html
    assert html.count("<polygon") == 1 and outlined.outline
    surveyed = polygon(SQUARE)
    outlined.outline = surveyed
    session.commit()
    html = client.get("/tips/").get_data(as_text=True)
    assert 'class="district-outline"/>' in html and "District outlines are schematic" not in html


def test_the_demo_gives_every_district_a_schematic_outline(app, session, tmp_path):
    from app.demo import seed
    from app.org.models import Place, PlaceLevel
    from sqlalchemy import select

    factories.place(session, code="a", name_zh_hans="甲区", sort_order=1)
    factories.place(session, code="b", name_zh_hans="乙区", sort_order=2)
    session.commit()
    seed.add_schematic_outlines(session)
    places = session.scalars(select(Place).where(Place.level == PlaceLevel.DISTRICT).order_by(Place.sort_order)).all()
    assert [outlines.parse(p.outline).schematic for p in places] == [True, True]
    assert outlines.parse(places[0].outline).ring[0] == (111.0, 32.5)
