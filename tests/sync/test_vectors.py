"""Runs the conformance vectors in sync/vectors/ against the Python rules.

pwa/tests/merge.test.js runs the same files against the JavaScript client's merge.
"""

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from sync.declaration import load_declaration
from sync.ledger import Recorded, recall, record, result_of
from sync.merge import apply_mutation
from sync.protocol import IdReusedError, mutation_from_builtins
from sync.rules import visible_events

VECTORS = sorted((Path(__file__).parents[2] / "sync" / "vectors").glob("*.json"))


def _subset_mismatch(expected: dict[str, Any], actual: dict[str, Any]) -> dict[str, Any]:
    return {k: (v, actual.get(k)) for k, v in expected.items() if actual.get(k) != v}


def _run_step(state, ledger: dict[str, Recorded], step: dict, declaration, now_ms: int):
    mutation = mutation_from_builtins(step["mutation"])
    expect = step["expect"]
    if expect.get("error") == "id_reused":
        with pytest.raises(IdReusedError):
            recall(ledger.get(mutation.id), mutation)
        return state
    duplicate = recall(ledger.get(mutation.id), mutation)
    if duplicate is not None:
        actual = msgspec.to_builtins(duplicate)
        assert _subset_mismatch(expect, actual) == {}, step["mutation"]["id"]
        return state
    decision = apply_mutation(state, mutation, declaration, now_ms)
    ledger[mutation.id] = record(mutation, result_of(mutation, decision))
    actual = msgspec.to_builtins(decision)
    conflict = expect.get("conflict")
    if conflict is not None:
        assert _subset_mismatch(conflict, actual["conflict"] or {}) == {}, mutation.id
    plain = {k: v for k, v in expect.items() if k != "conflict"}
    assert _subset_mismatch(plain, actual) == {}, mutation.id
    return decision.state


@pytest.mark.parametrize("path", VECTORS, ids=[p.stem for p in VECTORS])
def test_conformance_vector_reaches_its_expected_results_and_final_state(path: Path):
    vector = json.loads(path.read_text())
    declaration = load_declaration(vector["declaration"])
    state, ledger = vector["initial"], {}
    for step in vector["steps"]:
        now_ms = step.get("now_ms", vector["server_now_ms"])
        state = _run_step(state, ledger, step, declaration, now_ms)
    assert state == vector["final"]
    for name, expected in vector.get("visible", {}).items():
        assert visible_events(state, name) == expected


def test_every_merge_kind_and_conflict_kind_has_a_vector():
    text = " ".join(p.read_text() for p in VECTORS)
    for needle in (
        '"kind": "scalar"',
        '"kind": "important"',
        '"kind": "state"',
        '"kind": "events"',
        '"lock_on_sign": true',
        "stale_base",
        "illegal_transition",
        "edit_after_delete",
        "amendment_request",
        '"clamped": true',
        '"duplicate"',
        "id_reused",
    ):
        assert needle in text, needle
