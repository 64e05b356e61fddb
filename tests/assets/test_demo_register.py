import io
import re
from collections import Counter

from backend.assets.demo_register import generate_demo_register
from backend.assets.register_io import read_register, write_register_csv

SITES = [
    ("dc1", "detention"),
    ("cc1", "custody"),
    ("sc1", "correction"),
    ("x-renmin-jiefang", "intersection"),
    ("x-zhongshan", "intersection"),
]


def test_the_same_seed_gives_the_same_register_and_another_seed_does_not():
    assert generate_demo_register(SITES) == generate_demo_register(SITES)
    assert generate_demo_register(SITES) != generate_demo_register(SITES, seed=1)


def test_about_1500_assets_are_spread_with_buildings_getting_most():
    rows = generate_demo_register(SITES)
    per_site = Counter(r.site for r in rows)
    assert len(rows) == 1500 and set(per_site) == {key for key, _ in SITES}
    assert per_site["dc1"] > per_site["cc1"] > per_site["x-zhongshan"] > 0


def test_about_a_tenth_are_key_points_and_a_few_are_faulty_or_offline():
    rows = generate_demo_register(SITES)
    key_share = sum(r.criticality == "key" for r in rows) / len(rows)
    statuses = Counter(r.status for r in rows)
    assert 0.07 < key_share < 0.14
    assert 0 < statuses["faulty"] < 100 and 0 < statuses["offline"] < 100
    assert statuses["in_service"] > 0.9 * len(rows)


def test_intersections_hold_traffic_devices_on_poles_and_cabinets():
    rows = [r for r in generate_demo_register(SITES) if r.site.startswith("x-")]
    assert {r.system for r in rows} >= {"signal_light", "electronic_police", "checkpoint"}
    assert all(re.search(r"号杆|路口机柜", r.location) for r in rows)
    assert "surveillance" not in {r.system for r in rows}


def test_serials_and_external_ids_are_unique_and_nothing_looks_like_a_phone_number():
    rows = generate_demo_register(SITES)
    assert len({r.serial for r in rows}) == len({r.external_id for r in rows}) == len(rows)
    text = repr(rows)
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)


def test_the_demo_register_passes_the_importer_unchanged():
    rows = generate_demo_register(SITES)
    out = io.StringIO()
    write_register_csv(rows, out)
    parsed = read_register(out.getvalue().encode())
    assert parsed.errors == [] and len(parsed.rows) == len(rows)
