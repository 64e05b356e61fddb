"""The signable-form conformance vectors (sync/vectors/signable/, also run by
pwa/tests/signable-form.test.js): the server computes exactly the form, bytes and hash the
phone must compute, and the same record as the phone holds it hashes like the server's copy."""

import json
from pathlib import Path

import pytest

from backend.signatures.canonical import canonical, digest
from backend.signatures.signable import normal_time, signable_form

DIR = Path(__file__).parents[2] / "sync" / "vectors" / "signable"
VECTORS = {v["name"]: v for v in (json.loads(p.read_text()) for p in sorted(DIR.glob("*.json")))}


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_the_server_computes_the_vector(name):
    vector = VECTORS[name]
    form = signable_form(vector["entity"], vector["state"])
    assert form == vector["form"]
    assert canonical(form).decode() == vector["canonical"]
    assert digest(form) == vector["sha256"]


def test_the_phones_spelling_of_a_record_hashes_like_the_servers():
    pairs = [
        (v["sha256"], VECTORS[v["same_hash_as"]]["sha256"]) for v in VECTORS.values() if "same_hash_as" in v
    ]
    assert pairs and all(a == b for a, b in pairs)
    assert (
        VECTORS["work_order_edited_elsewhere"]["sha256"]
        != VECTORS["work_order_as_the_server_holds_it"]["sha256"]
    )


def test_times_take_the_to_iso_string_form_and_impossible_dates_stay_text():
    assert normal_time("2026-11-20T16:30:00.12+08:00") == "2026-11-20T08:30:00.120Z"
    assert normal_time("2026-11-20T08:30:00.123456Z") == "2026-11-20T08:30:00.123Z"
    assert normal_time("2026-02-30T08:30:00Z") is None
    assert normal_time("not a time") is None
