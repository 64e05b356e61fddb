"""The canonical-JSON vectors the phone is tested against (pwa/tests/signable.test.js) must
still be what the server computes: otherwise both suites pass while every signature made on a
phone would come back as stale_signature."""

import json
from pathlib import Path

import pytest

from backend.signatures.canonical import NotCanonical, canonical, digest

VECTORS = json.loads((Path(__file__).parents[2] / "pwa/tests/vectors/canonical.json").read_text())


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["name"])
def test_the_server_computes_the_phone_vectors(case):
    assert canonical(case["value"]).decode() == case["canonical"]
    assert digest(case["value"]) == case["sha256"]


def test_the_server_refuses_what_the_phone_refuses():
    for bad in (float("nan"), float("inf"), "\ud800"):
        with pytest.raises(NotCanonical):
            canonical(bad)
