import msgspec
import pytest

from sync.entities import DECLARATIONS
from sync.ledger import recall, record, result_of
from sync.merge import apply_mutation
from sync.protocol import (
    IdReusedError,
    ProtocolError,
    PushResult,
    SetAssetFields,
    TransitionWorkOrder,
    decode_push,
    fingerprint,
    mutation_from_builtins,
)
from tests.sync.sync_builders import wire


def push_body(*mutations: dict, client: str = "c1") -> bytes:
    return msgspec.json.encode({"client_id": client, "mutations": list(mutations)})


def test_a_push_decodes_each_mutation_to_its_tagged_struct():
    request = decode_push(
        push_body(
            wire("work_order.transition", seq=1, to="dispatched", base={"status": "reported"}),
            wire("asset.set_fields", "cam-1", seq=2, fields={"notes": "lens cleaned"}),
        )
    )
    first, second = request.mutations
    assert isinstance(first, TransitionWorkOrder) and first.base.status == "reported"
    assert isinstance(second, SetAssetFields)
    assert second.op().values == {"notes": "lens cleaned"}


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"not json", "invalid push"),
        (push_body(wire("work_order.explode")), "$.mutations[0].name"),
        (push_body(wire("work_order.transition", to="x", colour="red")), "unknown field `colour`"),
        (push_body(wire("work_order.transition", to="x") | {"seq": 0}), "$.mutations[0].seq"),
        (
            push_body(wire("work_order.transition", to="x") | {"id": "not-a-uuid"}),
            "$.mutations[0].id",
        ),
        (
            push_body(wire("work_order.transition", to="x") | {"hlc": "yesterday"}),
            "$.mutations[0].hlc",
        ),
        (push_body(wire("work_order.transition", to="x", client="c2")), "client_id differs"),
    ],
)
def test_a_malformed_push_raises_a_protocol_error_naming_the_problem(body: bytes, fragment: str):
    with pytest.raises(ProtocolError) as error:
        decode_push(body)
    assert fragment in str(error.value)


def test_a_batch_must_not_repeat_an_id_or_go_back_in_sequence():
    one = wire("work_order.transition", seq=2, to="dispatched", n=1)
    with pytest.raises(ProtocolError, match="appears twice"):
        decode_push(push_body(one, one | {"seq": 3}))
    with pytest.raises(ProtocolError, match="seq must increase"):
        decode_push(push_body(one, wire("work_order.transition", seq=1, to="accepted")))


def test_the_fingerprint_ignores_key_order_and_spelled_out_defaults():
    body = wire("work_order.create", n=5, title="Dome stuck")
    reordered = dict(reversed(list(body.items()))) | {"notes": "", "base": {"values": {}}}
    same = fingerprint(mutation_from_builtins(reordered))
    assert fingerprint(mutation_from_builtins(body)) == same


def test_a_redelivered_mutation_returns_its_first_result_as_a_duplicate():
    first = mutation_from_builtins(wire("work_order.create", n=6, title="Dome stuck"))
    decision = apply_mutation(None, first, DECLARATIONS["work_order"], server_now_ms=0)
    stored = record(first, result_of(first, decision))
    redelivered = mutation_from_builtins(wire("work_order.create", n=6, title="Dome stuck"))
    again = recall(stored, redelivered)
    assert again == PushResult(id=first.id, status="duplicate", original_status="applied")
    assert recall(None, first) is None


def test_a_reused_id_with_a_different_body_is_an_error():
    first = mutation_from_builtins(wire("work_order.create", n=7, title="Dome stuck"))
    stored = record(first, PushResult(id=first.id, status="applied"))
    with pytest.raises(IdReusedError, match="different body"):
        recall(stored, mutation_from_builtins(wire("work_order.create", n=7, title="Other")))
