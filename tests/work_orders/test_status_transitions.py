import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest

from backend.work_orders.transitions import (
    ALLOWED,
    TRANSITIONS,
    CauseCategory,
    Diagnosis,
    PartUsed,
    Refusal,
    Status,
    TransitionFacts,
    Verification,
    check_transition,
    transition_table,
)

# The table as documented in transitions.py, restated here so a silent edit of the code fails.
LEGAL = {
    ("reported", "dispatched"), ("reported", "remote_resolved"), ("reported", "cancelled"),
    ("reopened", "dispatched"), ("reopened", "remote_resolved"), ("reopened", "cancelled"),
    ("dispatched", "dispatched"), ("dispatched", "accepted"),
    ("dispatched", "remote_resolved"), ("dispatched", "cancelled"),
    ("accepted", "dispatched"), ("accepted", "en_route"), ("accepted", "on_site"),
    ("accepted", "remote_resolved"), ("accepted", "cancelled"),
    ("en_route", "dispatched"), ("en_route", "on_site"), ("en_route", "remote_resolved"),
    ("en_route", "cancelled"),
    ("on_site", "dispatched"), ("on_site", "repaired"), ("on_site", "cancelled"),
    ("remote_resolved", "verified"), ("remote_resolved", "dispatched"),
    ("repaired", "verified"), ("repaired", "on_site"),
    ("verified", "signed"),
    ("signed", "closed"),
    ("closed", "reopened"),
}  # fmt: skip

T0 = datetime(2027, 5, 1, 8, 0, tzinfo=UTC)
DIAGNOSIS = Diagnosis(
    cause=CauseCategory.EXTERNAL_POWER,
    findings="PoE injector burnt after a surge",
    actions="Replaced the PoE injector, checked the surge protector",
    parts_used=[PartUsed(item="SP-POE-0042")],
)
VERIFIED = Verification(
    self_check_in_range=True,
    functional_test_passed=True,
    stable_from=T0,
    stable_until=T0 + timedelta(minutes=30),
)
# Everything any move could ask for: each legal move must then be allowed.
COMPLETE = TransitionFacts(
    assignee_id="tech-2",
    previous_assignee_id="tech-1",
    reason="client asked",
    photo_phases=frozenset({"before", "during", "after"}),
    diagnosis=DIAGNOSIS,
    verification=VERIFIED,
    signed_or_refusal_recorded=True,
)


@pytest.mark.parametrize(("current", "target"), list(itertools.product(list(Status), list(Status))))
def test_every_pair_of_states_is_allowed_exactly_when_the_table_lists_it(current, target):
    result = check_transition(current, target, COMPLETE)
    if (current.value, target.value) in LEGAL:
        assert result == ALLOWED
    else:
        assert isinstance(result, Refusal)
        assert result.code == "illegal_transition"
        assert current.value in result.message and target.value in result.message


def test_escalated_and_reassigned_are_not_statuses():
    values = {status.value for status in Status}
    assert "escalated" not in values
    assert "reassigned" not in values


def test_the_table_is_exposed_as_plain_json_data_matching_the_rules():
    table = transition_table()
    assert json.loads(json.dumps(table)) == table
    assert {(s, t) for s, targets in table.items() for t in targets} == LEGAL
    assert set(table) == {status.value for status in Status}


def test_cancelled_is_terminal_and_closed_can_only_reopen():
    assert TRANSITIONS[Status.CANCELLED] == frozenset()
    assert TRANSITIONS[Status.CLOSED] == frozenset({Status.REOPENED})


@pytest.mark.parametrize("missing_phase", ["before", "during", "after"])
def test_repaired_is_refused_without_a_photo_of_each_phase(missing_phase):
    phases = frozenset({"before", "during", "after"} - {missing_phase})
    facts = TransitionFacts(photo_phases=phases, diagnosis=DIAGNOSIS)
    result = check_transition("on_site", "repaired", facts)
    assert isinstance(result, Refusal)
    assert result.code == "requirements_missing"
    assert result.missing == (f"photo.{missing_phase}",)


def test_repaired_without_anything_lists_every_missing_requirement_at_once():
    result = check_transition("on_site", "repaired", TransitionFacts())
    assert isinstance(result, Refusal)
    assert result.missing == ("photo.before", "photo.during", "photo.after", "diagnosis")


def test_repaired_needs_parts_used_stated_but_an_empty_list_is_a_statement():
    photos = frozenset({"before", "during", "after"})
    unstated = Diagnosis(cause=CauseCategory.SOFTWARE, findings="hung", actions="rebooted")
    refused = check_transition(
        "on_site", "repaired", TransitionFacts(photo_phases=photos, diagnosis=unstated)
    )
    assert isinstance(refused, Refusal) and refused.missing == ("diagnosis.parts_used",)
    stated = Diagnosis(
        cause=CauseCategory.SOFTWARE, findings="hung", actions="rebooted", parts_used=[]
    )
    facts = TransitionFacts(photo_phases=photos, diagnosis=stated)
    assert check_transition("on_site", "repaired", facts) == ALLOWED


def test_repaired_needs_findings_and_actions_in_words():
    blank = Diagnosis(cause=CauseCategory.AGEING_DAMAGE, findings=" ", actions="", parts_used=[])
    facts = TransitionFacts(photo_phases=frozenset({"before", "during", "after"}), diagnosis=blank)
    result = check_transition("on_site", "repaired", facts)
    assert isinstance(result, Refusal)
    assert result.missing == ("diagnosis.findings", "diagnosis.actions")


def test_remote_resolution_needs_a_diagnosis_but_no_photos():
    assert check_transition("accepted", "remote_resolved", TransitionFacts()) == Refusal(
        code="requirements_missing",
        message="Cannot mark remote_resolved: missing diagnosis.",
        missing=("diagnosis",),
    )
    facts = TransitionFacts(diagnosis=DIAGNOSIS)
    assert check_transition("dispatched", "remote_resolved", facts) == ALLOWED


def _verification(**changes) -> TransitionFacts:
    fields = {
        "self_check_in_range": True,
        "functional_test_passed": True,
        "stable_from": T0,
        "stable_until": T0 + timedelta(minutes=30),
    } | changes
    return TransitionFacts(verification=Verification(**fields))


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({"self_check_in_range": False}, "verification.self_check"),
        ({"functional_test_passed": False}, "verification.functional_test"),
        (
            {"stable_until": T0 + timedelta(minutes=29, seconds=59)},
            "verification.stable_30_minutes",
        ),
        ({"stable_until": None}, "verification.stable_30_minutes"),
    ],
)
def test_verified_needs_all_three_levels_of_verification(changes, missing):
    result = check_transition("repaired", "verified", _verification(**changes))
    assert isinstance(result, Refusal)
    assert result.missing == (missing,)


def test_verified_is_allowed_after_exactly_thirty_stable_minutes():
    assert check_transition("repaired", "verified", _verification()) == ALLOWED
    assert check_transition("remote_resolved", "verified", _verification()) == ALLOWED


def test_verified_without_any_verification_is_refused():
    result = check_transition("repaired", "verified", TransitionFacts())
    assert isinstance(result, Refusal) and result.missing == ("verification",)


@pytest.mark.parametrize("current", ["reported", "dispatched", "on_site", "reopened"])
def test_cancelling_needs_a_reason(current):
    refused = check_transition(current, "cancelled", TransitionFacts(reason="  "))
    assert isinstance(refused, Refusal) and refused.missing == ("reason",)
    assert check_transition(current, "cancelled", TransitionFacts(reason="duplicate")) == ALLOWED


def test_reopening_needs_a_reason():
    refused = check_transition("closed", "reopened", TransitionFacts())
    assert isinstance(refused, Refusal) and refused.missing == ("reason",)
    facts = TransitionFacts(reason="follow-up: image still blurred")
    assert check_transition("closed", "reopened", facts) == ALLOWED


def test_dispatch_needs_an_assignee():
    refused = check_transition("reported", "dispatched", TransitionFacts())
    assert isinstance(refused, Refusal) and refused.missing == ("assignee",)
    assert check_transition("reported", "dispatched", TransitionFacts(assignee_id="t1")) == ALLOWED


def test_reassignment_must_name_someone_else():
    same = TransitionFacts(assignee_id="t1", previous_assignee_id="t1")
    refused = check_transition("accepted", "dispatched", same)
    assert isinstance(refused, Refusal) and refused.missing == ("different_assignee",)
    other = TransitionFacts(assignee_id="t2", previous_assignee_id="t1")
    assert check_transition("accepted", "dispatched", other) == ALLOWED


def test_rework_after_failed_verification_needs_a_reason():
    refused = check_transition("repaired", "on_site", TransitionFacts())
    assert isinstance(refused, Refusal) and refused.missing == ("reason",)


def test_signing_needs_a_signature_or_a_recorded_refusal():
    refused = check_transition("verified", "signed", TransitionFacts())
    assert isinstance(refused, Refusal) and refused.missing == ("signature_or_refusal",)
    facts = TransitionFacts(signed_or_refusal_recorded=True)
    assert check_transition("verified", "signed", facts) == ALLOWED


def test_an_unknown_status_is_refused_loudly():
    with pytest.raises(ValueError):
        check_transition("reported", "escalated", COMPLETE)
