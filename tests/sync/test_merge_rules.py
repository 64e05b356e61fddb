import copy

import pytest

from sync.declaration import DeclarationError, load_declaration
from sync.entities import ASSET, DECLARATIONS
from sync.merge import apply_mutation, new_record
from sync.rules import visible_events
from tests.sync.sync_builders import NOW, hlc, mutation

WORK_ORDER = DECLARATIONS["work_order"]
ASSET_DECL = DECLARATIONS["asset"]


def created_work_order(**fields) -> dict:
    state = new_record("wo-1", WORK_ORDER)
    state["fields"].update(title="Dome camera stuck", **fields)
    state["version"] = 1
    return state


def decide(state, name, record_id="wo-1", declaration=WORK_ORDER, now=NOW, **kwargs):
    return apply_mutation(state, mutation(name, record_id, **kwargs), declaration, now)


def test_deciding_never_modifies_the_record_it_was_given():
    state = created_work_order()
    before = copy.deepcopy(state)
    decision = decide(state, "work_order.set_fields", fields={"notes": "gate 4"})
    assert decision.state["fields"]["notes"] == "gate 4"
    assert state == before


def test_a_newer_scalar_write_wins_and_the_older_value_becomes_a_loser():
    state = created_work_order(notes="first")
    state["clocks"]["notes"] = hlc(NOW - 10, "c2")
    decision = decide(state, "work_order.set_fields", fields={"notes": "second"}, at=NOW)
    assert decision.state["fields"]["notes"] == "second"
    assert decision.state["version"] == 2
    assert [(lo.value, lo.hlc) for lo in decision.losers] == [("first", hlc(NOW - 10, "c2"))]


def test_an_older_scalar_write_is_kept_only_as_a_loser():
    state = created_work_order(notes="newer")
    state["clocks"]["notes"] = hlc(NOW, "c2")
    decision = decide(state, "work_order.set_fields", fields={"notes": "older"}, at=NOW - 1)
    assert decision.status == "applied"
    assert decision.changed == [] and decision.state["version"] == 1
    assert [(lo.value, lo.winner_hlc) for lo in decision.losers] == [("older", hlc(NOW, "c2"))]


def test_an_important_field_with_a_matching_base_is_set_even_with_an_older_clock():
    state = new_record("cam-1", ASSET_DECL) | {"version": 1}
    state["clocks"]["status"] = hlc(NOW, "c2")
    decision = decide(
        state,
        "asset.set_fields",
        "cam-1",
        ASSET_DECL,
        at=NOW - 5,
        base={"status": "in_service"},
        fields={"status": "faulty"},
    )
    assert decision.state["fields"]["status"] == "faulty"
    assert decision.state["clocks"]["status"] == hlc(NOW, "c2")


def test_an_important_field_with_a_stale_base_is_a_conflict_showing_both_values():
    state = new_record("cam-1", ASSET_DECL) | {"version": 1}
    state["fields"]["status"] = "offline"
    decision = decide(
        state,
        "asset.set_fields",
        "cam-1",
        ASSET_DECL,
        base={"status": "in_service"},
        fields={"status": "faulty"},
    )
    assert decision.status == "conflict" and decision.state == state
    assert decision.conflict.current == {"status": "offline"}
    assert decision.conflict.proposed == {"status": "faulty"}


def test_a_legal_transition_from_the_status_seen_applies():
    decision = decide(
        created_work_order(), "work_order.transition", to="dispatched", base={"status": "reported"}
    )
    assert decision.status == "applied"
    assert decision.state["fields"]["status"] == "dispatched"


@pytest.mark.parametrize(
    ("seen", "to", "kind"),
    [
        ("reported", "closed", "illegal_transition"),
        ("dispatched", "accepted", "stale_base"),
        (None, "dispatched", "stale_base"),
    ],
)
def test_a_transition_not_from_the_current_status_or_not_in_the_table_is_a_conflict(seen, to, kind):
    base = {"status": seen} if seen else None
    decision = decide(created_work_order(), "work_order.transition", to=to, base=base)
    assert decision.status == "conflict"
    assert decision.conflict.kind == kind
    assert decision.state["fields"]["status"] == "reported"


def test_an_unknown_status_is_rejected_not_a_conflict():
    decision = decide(
        created_work_order(), "work_order.transition", to="exploded", base={"status": "reported"}
    )
    assert decision.status == "rejected"
    assert "exploded" in decision.message


def test_a_field_the_declaration_does_not_have_is_rejected():
    no_location = load_declaration(
        {"entity": "asset", "fields": {k: v for k, v in ASSET["fields"].items() if k != "location"}}
    )
    decision = decide(
        new_record("cam-1", no_location),
        "asset.set_fields",
        "cam-1",
        no_location,
        fields={"location": "Block C"},
    )
    assert decision.status == "rejected"
    assert decision.message == "asset has no field location"


def test_comments_are_listed_in_clock_order_whatever_the_arrival_order():
    state = created_work_order()
    for at, comment_id in [(NOW - 1, "late"), (NOW - 9, "early"), (NOW - 5, "middle")]:
        state = decide(
            state, "work_order.add_comment", at=at, comment_id=comment_id, body=comment_id
        ).state
    assert [c["id"] for c in visible_events(state, "comments")] == ["early", "middle", "late"]


def test_a_signed_record_turns_a_notes_edit_into_an_amendment_request():
    decision = decide(
        created_work_order(status="signed"),
        "work_order.set_fields",
        fields={"notes": "forgot the fuse"},
    )
    assert decision.status == "conflict"
    assert decision.conflict.kind == "amendment_request"
    assert decision.state["fields"]["notes"] == ""


def test_an_edit_of_a_deleted_record_is_a_conflict_and_does_not_resurrect_it():
    deleted = created_work_order() | {"deleted": True}
    decision = decide(deleted, "work_order.set_fields", fields={"notes": "still here?"})
    assert decision.conflict.kind == "edit_after_delete"
    assert decision.state["deleted"] is True


def test_a_far_ahead_clock_is_clamped_before_it_is_stored():
    decision = decide(
        created_work_order(),
        "work_order.set_fields",
        at=NOW + 3_600_000,
        fields={"notes": "future"},
    )
    assert decision.clamped
    assert decision.state["clocks"]["notes"] == hlc(NOW + 60_000)


def test_a_mutation_is_refused_a_declaration_of_another_entity():
    with pytest.raises(ValueError, match="asset mutation given the work_order declaration"):
        decide(None, "asset.set_fields", "cam-1", WORK_ORDER, fields={"notes": "x"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"transitions": {"a": ["b"]}}, "only state fields have transitions"),
        ({"kind": "state", "values": ["a"], "transitions": {"a": ["z"]}}, "undeclared values"),
    ],
)
def test_a_self_contradicting_declaration_is_refused_at_load_time(change, message):
    with pytest.raises(DeclarationError, match=message):
        load_declaration({"entity": "x", "fields": {"f": {"kind": "scalar"} | change}})
