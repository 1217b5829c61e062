"""Duplicate detection, pure: text likeness for Chinese and English, distance, and every reason to say no."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app.tips.duplicates import Report, Thresholds, best_match, distance_m, likeness, same_place, score

NOW = datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc)
BASE = Report(category_ids=frozenset({1}), district_id=7, description="化工厂夜间排放黄色烟雾，气味刺鼻",
              address="和平大道100号", submitted_at=NOW - timedelta(days=2),
              latitude=Decimal("30.553108"), longitude=Decimal("114.334517"))
NEW = replace(BASE, description="和平大道化工厂晚上排放黄色烟雾，很刺鼻", submitted_at=NOW)


def test_identical_text_is_fully_alike_whatever_the_spacing_and_punctuation():
    assert likeness("化工厂 排放，黄烟！", "化工厂排放黄烟") == 1.0


def test_unrelated_text_shares_nothing():
    assert likeness("工地夜间打桩噪声", "河道漂浮垃圾") == 0.0


def test_likeness_is_symmetric_and_between_zero_and_one():
    a, b = BASE.description, NEW.description
    assert likeness(a, b) == likeness(b, a) and 0 < likeness(a, b) < 1


def test_text_too_short_to_compare_is_not_alike():
    assert likeness("", "化工厂") == 0.0 and likeness("！！", "化工厂") == 0.0


def test_english_text_is_compared_case_insensitively():
    assert likeness("Black SMOKE from chimney", "black smoke from chimney") == 1.0


@pytest.mark.parametrize("lat2, lon2, metres", [
    ("30.553108", "114.334517", 0),
    ("30.562108", "114.334517", 1000.8),   # 0.009° of latitude ≈ 1 km
    ("31.553108", "114.334517", 111195),   # one degree of latitude
])
def test_distance_in_metres(lat2, lon2, metres):
    assert distance_m(Decimal("30.553108"), Decimal("114.334517"), Decimal(lat2), Decimal(lon2)) == \
        pytest.approx(metres, abs=1)


def test_a_report_close_by_with_similar_text_is_a_possible_duplicate():
    assert score(NEW, BASE) == pytest.approx(likeness(NEW.description, BASE.description))


@pytest.mark.parametrize("change, why", [
    ({"category_ids": frozenset({2})}, "another kind of pollution"),
    ({"district_id": 8}, "another district"),
    ({"submitted_at": NOW - timedelta(days=30)}, "too long ago"),
    ({"submitted_at": NOW + timedelta(minutes=1)}, "after the new one"),
    ({"latitude": Decimal("30.60")}, "5 km away"),
    ({"description": "河道里漂着很多死鱼"}, "about something else"),
])
def test_each_difference_rules_a_duplicate_out(change, why):
    assert score(NEW, replace(BASE, **change)) is None, why


def test_one_kind_in_common_is_enough():
    assert score(replace(NEW, category_ids=frozenset({1, 5})), replace(BASE, category_ids=frozenset({1, 9})))


def test_without_coordinates_the_addresses_decide_the_place():
    limits = Thresholds()
    without = replace(NEW, latitude=None, longitude=None)
    assert same_place(without, BASE, limits)  # same address
    assert not same_place(without, replace(BASE, address="解放路8号"), limits)


def test_the_thresholds_can_be_tightened():
    assert score(NEW, BASE, Thresholds(text_likeness=0.95)) is None
    assert score(NEW, BASE, Thresholds(window_days=1)) is None
    assert score(NEW, replace(BASE, latitude=Decimal("30.5571")), Thresholds(radius_m=100)) is None


def test_the_best_match_is_the_most_alike_then_the_earliest():
    closest = replace(BASE, description=NEW.description)
    older_twin = replace(closest, submitted_at=NOW - timedelta(days=5))
    assert best_match(NEW, [(1, BASE), (2, closest)]) == 2
    assert best_match(NEW, [(2, closest), (3, older_twin)]) == 3
    assert best_match(NEW, [(4, replace(BASE, district_id=1))]) is None
    assert best_match(NEW, []) is None


def test_short_texts_are_taken_apart_once_long_ones_each_time():
    from app.tips import duplicates

    duplicates._kept_grams.cache_clear()
    short, long = "化工厂夜间排放黄色烟雾", "化工厂夜间排放黄色烟雾，" * 40
    assert len(long) > duplicates.KEPT_TEXT_LENGTH >= len(short)
    first = likeness(short, long)
    assert likeness(short, long) == first and 0.9 < first < 1  # the same answer, kept or not
    info = duplicates._kept_grams.cache_info()
    assert (info.currsize, info.hits, info.maxsize) == (1, 1, duplicates.KEPT_GRAMS)  # only the short text is kept
