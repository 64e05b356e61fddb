from datetime import UTC, datetime, timedelta

import pytest

from backend.work_orders.dispatch_rules import (
    GeoPoint,
    Technician,
    haversine_km,
    suggest_technicians,
    unavailable_reason,
)

NOW = datetime(2027, 9, 1, 6, 0, tzinfo=UTC)
SITE = GeoPoint(31.2304, 121.4737)  # an intersection in central Shanghai (invented site)


def near(km_north: float) -> GeoPoint:
    # One degree of latitude is ~111.2 km anywhere, so offsets are easy to reason about.
    return GeoPoint(SITE.lat + km_north / 111.195, SITE.lon)


def tech(id, position=None, seen_ago=timedelta(minutes=10), home=None, **changes) -> Technician:
    fields = {
        "id": id,
        "on_shift": True,
        "busy_with_level1": False,
        "last_position": position,
        "last_position_at": None if position is None else NOW - seen_ago,
        "home_base": home,
    } | changes
    return Technician(**fields)


def test_haversine_measures_one_degree_of_latitude_as_about_111_km():
    assert haversine_km(GeoPoint(30.0, 121.0), GeoPoint(31.0, 121.0)) == pytest.approx(111.2, 0.01)
    assert haversine_km(SITE, SITE) == 0.0


def test_technicians_are_ranked_nearest_first_with_the_distance_in_the_reason():
    ranked = suggest_technicians(
        SITE, [tech("far", near(9)), tech("near", near(2)), tech("mid", near(5))], NOW
    )
    assert [s.technician_id for s in ranked] == ["near", "mid", "far"]
    assert ranked[0].distance_km == pytest.approx(2.0, abs=0.01)
    assert "2.0 km from last reported position" in ranked[0].reason


def test_off_shift_and_level_1_busy_technicians_are_left_out_with_a_reason():
    off = tech("off", near(1), on_shift=False)
    busy = tech("busy", near(1), busy_with_level1=True)
    free = tech("free", near(8))
    assert [s.technician_id for s in suggest_technicians(SITE, [off, busy, free], NOW)] == ["free"]
    assert unavailable_reason(off) == "off shift"
    assert unavailable_reason(busy) == "busy with a level-1 fault"
    assert unavailable_reason(free) is None


def test_a_stale_position_gives_way_to_the_home_base():
    stale = tech("stale", near(1), seen_ago=timedelta(hours=9), home=near(6))
    fresh = tech("fresh", near(3))
    ranked = suggest_technicians(SITE, [stale, fresh], NOW)
    assert [(s.technician_id, s.measured_from) for s in ranked] == [
        ("fresh", "last_position"),
        ("stale", "home_base"),
    ]


def test_a_technician_known_only_by_home_base_is_still_suggested():
    (only,) = suggest_technicians(SITE, [tech("home", home=near(4))], NOW)
    assert only.measured_from == "home_base"
    assert "home base" in only.reason


def test_a_technician_without_any_position_cannot_be_ranked():
    nowhere = tech("nowhere")
    assert suggest_technicians(SITE, [nowhere], NOW) == []
    assert unavailable_reason(nowhere) == "no known position or home base"


def test_equal_distances_rank_deterministically_by_id():
    ranked = suggest_technicians(SITE, [tech("b", near(2)), tech("a", near(2))], NOW)
    assert [s.technician_id for s in ranked] == ["a", "b"]
