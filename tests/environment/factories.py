"""Monitoring sites for environment tests, as plain functions with defaults."""
import itertools

from app.environment.models import AirStation, DrinkingSource, WaterSection
from app.org.models import PlaceLevel
from tests import factories

_seq = itertools.count(1)


def _district_and_bureau(session, place, bureau):
    return (place or factories.place(session, level=PlaceLevel.DISTRICT),
            bureau or factories.bureau(session))


def station(session, *, place=None, bureau=None, control_level="national", **values) -> AirStation:
    n = next(_seq)
    place, bureau = _district_and_bureau(session, place, bureau)
    defaults = dict(code=f"AIR{n:04d}", name_zh_hans=f"测试站{n}", name_zh_hant=f"測試站{n}",
                    name_en=f"Test Station {n}", latitude=30.5 + n / 100, longitude=114.3 + n / 100,
                    sort_order=n)
    defaults.update(values)
    row = AirStation(control_level=control_level, place=place, bureau=bureau, **defaults)
    session.add(row)
    session.flush()
    return row


def section(session, *, place=None, bureau=None, target_class=3, body="river", control_level="national",
            **values) -> WaterSection:
    n = next(_seq)
    place, bureau = _district_and_bureau(session, place, bureau)
    defaults = dict(code=f"WAT{n:04d}", name_zh_hans=f"测试断面{n}", name_zh_hant=f"測試斷面{n}",
                    name_en=f"Test Section {n}", water_zh_hans="测试河", water_zh_hant="測試河",
                    water_en="Test River", latitude=30.4 + n / 100, longitude=114.2 + n / 100, sort_order=n)
    defaults.update(values)
    row = WaterSection(control_level=control_level, body=body, target_class=target_class, place=place,
                       bureau=bureau, **defaults)
    session.add(row)
    session.flush()
    return row


def source(session, *, place=None, bureau=None, kind="surface", **values) -> DrinkingSource:
    n = next(_seq)
    place, bureau = _district_and_bureau(session, place, bureau)
    defaults = dict(code=f"SRC{n:04d}", name_zh_hans=f"测试水源地{n}", name_zh_hant=f"測試水源地{n}",
                    name_en=f"Test Source {n}", latitude=30.6 + n / 100, longitude=114.1 + n / 100, sort_order=n)
    defaults.update(values)
    defaults.setdefault("body", "river" if kind == "surface" else None)
    row = DrinkingSource(kind=kind, place=place, bureau=bureau, **defaults)
    session.add(row)
    session.flush()
    return row
