"""District outlines for the plain public map: GeoJSON in, SVG points out (pure, no Flask or database).

An outline is a GeoJSON Polygon Feature (or bare Polygon) in longitude/latitude. The map is an SVG of the
city's bounding box (south, north, west, east) drawn as 0–1000 × 0–1000 with north up, the same projection
as the tips' points. Without surveyed boundaries the demo draws each district as one tile of a grid over the
box, with the property "schematic": true, and the map says so.
"""
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

SIZE = 1000


class OutlineError(ValueError):
    """The text is not a GeoJSON polygon this map can draw."""


@dataclass(frozen=True)
class Outline:
    ring: list[tuple[float, float]]  # (longitude, latitude), the outer ring only
    schematic: bool


@dataclass(frozen=True)
class MapShape:
    """An outline projected onto the map, with where to write the district's name."""

    name: str
    points: str  # for <polygon points="…">
    label_x: float
    label_y: float
    schematic: bool


def parse(text: str) -> Outline:
    """Read a GeoJSON Polygon (bare or as a Feature); refuse anything else."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as error:
        raise OutlineError("not JSON") from error
    properties: dict[str, Any] = {}
    if isinstance(data, dict) and data.get("type") == "Feature":
        properties = data.get("properties") or {}
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") != "Polygon" or not data.get("coordinates"):
        raise OutlineError("not a GeoJSON Polygon")
    try:
        ring = [(float(lon), float(lat)) for lon, lat, *_ in data["coordinates"][0]]
    except (TypeError, ValueError) as error:
        raise OutlineError("coordinates are not [longitude, latitude] pairs") from error
    if len(ring) < 4 or ring[0] != ring[-1]:
        raise OutlineError("a polygon's ring needs at least four positions, the last equal to the first")
    return Outline(ring, bool(properties.get("schematic")))


def parse_bounds(bounds: str) -> tuple[float, float, float, float]:
    """"south,north,west,east" (the TIP_BOUNDS setting) as four numbers."""
    south, north, west, east = (float(v) for v in bounds.split(","))
    return south, north, west, east


def project(name: str, outline: Outline, bounds: str) -> MapShape:
    """The outline in map units, clipped to the box, labelled at the mean of its corners."""
    south, north, west, east = parse_bounds(bounds)

    def x(lon: float) -> float:
        return round(min(max((lon - west) / (east - west), 0.0), 1.0) * SIZE, 1)

    def y(lat: float) -> float:
        return round(min(max((north - lat) / (north - south), 0.0), 1.0) * SIZE, 1)

    corners = [(x(lon), y(lat)) for lon, lat in outline.ring[:-1]]
    points = " ".join(f"{px:g},{py:g}" for px, py in corners)
    label_x = round(sum(px for px, _ in corners) / len(corners), 1)
    label_y = round(sum(py for _, py in corners) / len(corners), 1)
    return MapShape(name, points, label_x, label_y, outline.schematic)


def shapes(places: Iterable[Any], bounds: str) -> list[MapShape]:
    """The map shapes of the places that have a readable outline (an unreadable one is left off)."""
    result = []
    for place in places:
        if not place.outline:
            continue
        try:
            result.append(project(place.name, parse(place.outline), bounds))
        except OutlineError:
            continue
    return result


def schematic_tiles(bounds: str, count: int, columns: int = 4) -> list[str]:
    """`count` GeoJSON outlines tiling the box in rows of `columns`, west to east and north to south, each
    marked schematic: stand-ins where no surveyed boundary exists."""
    south, north, west, east = parse_bounds(bounds)
    rows = -(-count // columns)
    width, height = (east - west) / columns, (north - south) / rows
    tiles = []
    for index in range(count):
        row, column = divmod(index, columns)
        w, e = west + column * width, west + (column + 1) * width
        n, s = north - row * height, north - (row + 1) * height
        ring = [[round(w, 4), round(n, 4)], [round(e, 4), round(n, 4)], [round(e, 4), round(s, 4)],
                [round(w, 4), round(s, 4)], [round(w, 4), round(n, 4)]]
        tiles.append(json.dumps({"type": "Feature", "properties": {"schematic": True},
                                 "geometry": {"type": "Polygon", "coordinates": [ring]}}))
    return tiles
