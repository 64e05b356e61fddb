"""Properties the merge rules must hold for any order and duplication of deliveries."""

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.entities import DECLARATIONS, WORK_ORDER_STATUSES, WORK_ORDER_TRANSITIONS
from sync.merge import apply_mutation, new_record
from sync.replica import Replica
from sync.rules import value_text, visible_events
from tests.sync.sync_builders import NOW, mutation

FAST = settings(max_examples=200, deadline=None)
CLIENTS = ["c1", "c2", "c3"]


@st.composite
def scalar_edits(draw):
    """Distinct-clock notes edits from three phones, some with clocks far ahead."""
    stamps = draw(
        st.lists(
            st.tuples(st.integers(-5_000, 200_000), st.integers(0, 3), st.sampled_from(CLIENTS)),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    return [
        mutation(
            "asset.set_fields",
            "cam-1",
            n=i + 1,
            client=client,
            seq=i + 1,
            at=NOW + wall,
            counter=counter,
            fields={"notes": f"value {i}"},
        )
        for i, (wall, counter, client) in enumerate(stamps)
    ]


@st.composite
def deliveries(draw, edits):
    """Every edit at least once, in any order, some delivered again later."""
    order = draw(st.permutations(edits))
    again = draw(st.lists(st.sampled_from(edits), max_size=4))
    return [*order, *again]


def replica_with_camera() -> Replica:
    replica = Replica(DECLARATIONS)
    replica.records[("asset", "cam-1")] = new_record("cam-1", DECLARATIONS["asset"])
    return replica


@FAST
@given(st.data())
def test_any_delivery_order_ends_at_the_max_clock_value_and_keeps_every_other_as_a_loser(data):
    edits = data.draw(scalar_edits())
    replica = replica_with_camera()
    results = [replica.push_one(m, NOW) for m in data.draw(deliveries(edits))]
    record = replica.records[("asset", "cam-1")]
    decided_clocks = {
        m.fields.notes: apply_mutation(None, m, DECLARATIONS["asset"], NOW).hlc for m in edits
    }
    # Clamping can give two writes the same clock; the value text breaks that tie.
    winner = max(decided_clocks, key=lambda value: (decided_clocks[value], value_text(value)))
    assert record["fields"]["notes"] == winner
    assert {kept.loser.value for kept in replica.losers} == set(decided_clocks) - {winner}
    assert sum(r.status != "duplicate" for r in results) == len(edits)


@FAST
@given(st.data())
def test_two_delivery_orders_of_the_same_edits_converge_to_the_same_fields(data):
    edits = data.draw(scalar_edits())
    finals = []
    for _ in range(2):
        replica = replica_with_camera()
        for m in data.draw(deliveries(edits)):
            replica.push_one(m, NOW)
        record = replica.records[("asset", "cam-1")]
        finals.append((record["fields"], record["clocks"]))
    assert finals[0] == finals[1]


moves = st.lists(
    st.tuples(st.sampled_from(WORK_ORDER_STATUSES), st.sampled_from(WORK_ORDER_STATUSES)),
    max_size=30,
)


@FAST
@given(moves)
def test_transitions_only_apply_when_legal_and_everything_else_is_a_conflict(attempts):
    state = new_record("wo-1", DECLARATIONS["work_order"]) | {"version": 1}
    for i, (seen, target) in enumerate(attempts):
        before = state["fields"]["status"]
        decision = apply_mutation(
            state,
            mutation(
                "work_order.transition",
                n=i + 1,
                seq=i + 1,
                at=NOW + i,
                to=target,
                base={"status": seen},
            ),
            DECLARATIONS["work_order"],
            NOW,
        )
        assert decision.status in ("applied", "conflict")
        after = decision.state["fields"]["status"]
        if after != before:
            assert seen == before and target in WORK_ORDER_TRANSITIONS[before]
        elif decision.status == "conflict":
            assert decision.conflict.kind in ("stale_base", "illegal_transition")
        state = decision.state


comment_ops = st.lists(
    st.tuples(st.sampled_from(["add", "remove"]), st.sampled_from("abcd")), min_size=1, max_size=12
)


@FAST
@given(comment_ops, st.randoms(use_true_random=False))
def test_comment_additions_and_removals_commute(ops, random):
    def apply_all(sequence):
        state = new_record("wo-1", DECLARATIONS["work_order"]) | {"version": 1}
        for i, kind, comment_id in sequence:
            name = "work_order.add_comment" if kind == "add" else "work_order.remove_comment"
            body = {"body": f"note {comment_id}"} if kind == "add" else {}
            state = apply_mutation(
                state,
                mutation(name, n=i + 1, at=NOW + i, comment_id=comment_id, **body),
                DECLARATIONS["work_order"],
                NOW,
            ).state
        return [c["id"] for c in visible_events(state, "comments")]

    numbered = [(i, kind, comment_id) for i, (kind, comment_id) in enumerate(ops)]
    shuffled = copy.copy(numbered)
    random.shuffle(shuffled)
    added = {c for k, c in ops if k == "add"} - {c for k, c in ops if k == "remove"}
    assert sorted(apply_all(numbered)) == sorted(added)
    assert apply_all(shuffled) == apply_all(numbered)
