from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from backend.work_orders.sla import (
    DEFAULT_POLICY,
    Deadlines,
    FaultScope,
    Severity,
    SlaTermsOverride,
    deadlines,
    merge_policy,
    propose_severity,
)

REPORTED = datetime(2027, 3, 9, 2, 30, tzinfo=UTC)
MIN = timedelta(minutes=1)

# Written out from DOMAIN.md's table (minutes; None = as planned), not from the code.
DOMAIN_TABLE = {
    (1, "urban"): (15, 60, 120),
    (1, "suburban"): (15, 120, 120),
    (2, "urban"): (30, 60, 240),
    (2, "suburban"): (30, 120, 240),
    (3, "urban"): (60, None, 480),
    (3, "suburban"): (60, None, 480),
    (4, "urban"): (1440, None, None),
    (4, "suburban"): (1440, None, None),
}

# A contract promising 10 min / 1 h repair for level 1, 3 h repair for level 2 and a 4 h / 8 h
# visit for level 3 ("other documents" in DOMAIN.md); everything else inherits the defaults.
CONTRACT_OVERRIDES = {
    1: SlaTermsOverride(respond=10 * MIN, repair=60 * MIN),
    2: SlaTermsOverride(repair=180 * MIN),
    3: SlaTermsOverride(on_site_urban=240 * MIN, on_site_suburban=480 * MIN),
}
CONTRACT_TABLE = {
    (1, "urban"): (10, 60, 60),
    (1, "suburban"): (10, 120, 60),
    (2, "urban"): (30, 60, 180),
    (2, "suburban"): (30, 120, 180),
    (3, "urban"): (60, 240, 480),
    (3, "suburban"): (60, 480, 480),
    (4, "urban"): (1440, None, None),
    (4, "suburban"): (1440, None, None),
}


def _expected(minutes: tuple[int | None, int | None, int | None]) -> Deadlines:
    respond, on_site, repair = (None if m is None else REPORTED + m * MIN for m in minutes)
    assert respond is not None
    return Deadlines(respond_by=respond, on_site_by=on_site, repaired_by=repair)


CASES = [("default", key, value) for key, value in DOMAIN_TABLE.items()] + [
    ("contract", key, value) for key, value in CONTRACT_TABLE.items()
]


@pytest.mark.parametrize(("policy_name", "level_area", "minutes"), CASES)
def test_deadlines_follow_the_policy_for_every_severity_and_area(policy_name, level_area, minutes):
    severity, area = level_area
    policy = DEFAULT_POLICY
    if policy_name == "contract":
        policy = merge_policy(DEFAULT_POLICY, CONTRACT_OVERRIDES)
    assert deadlines(policy, severity, area, REPORTED) == _expected(minutes)


def test_a_contract_can_turn_a_clocked_window_into_as_planned():
    policy = merge_policy(DEFAULT_POLICY, {2: SlaTermsOverride(on_site_suburban=None)})
    assert deadlines(policy, 2, "suburban", REPORTED).on_site_by is None
    assert deadlines(policy, 2, "urban", REPORTED).on_site_by == REPORTED + 60 * MIN


def test_merging_an_override_leaves_the_default_policy_untouched():
    merge_policy(DEFAULT_POLICY, CONTRACT_OVERRIDES)
    assert deadlines(DEFAULT_POLICY, 1, "urban", REPORTED).respond_by == REPORTED + 15 * MIN


def test_a_contract_override_round_trips_through_json_with_planned_and_unset_kept_apart():
    raw = b'{"respond": "PT10M", "repair": null}'
    override = msgspec.json.decode(raw, type=SlaTermsOverride)
    assert override.respond == 10 * MIN
    assert override.repair is None
    assert override.on_site_urban is msgspec.UNSET


def test_a_contract_override_with_an_unknown_field_is_rejected():
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(b'{"respnd": "PT10M"}', type=SlaTermsOverride)


def test_deadlines_refuse_a_naive_report_time():
    with pytest.raises(ValueError, match="timezone-aware"):
        deadlines(DEFAULT_POLICY, 1, "urban", datetime(2027, 3, 9, 10, 30))


@pytest.mark.parametrize(
    ("criticality", "scope", "expected"),
    [
        ("normal", FaultScope.SYSTEM_DOWN, Severity.SYSTEM_DOWN),
        ("normal", FaultScope.FUNCTION_LOST, Severity.FUNCTION_LOST),
        ("normal", FaultScope.DEGRADATION, Severity.DEGRADATION),
        ("normal", FaultScope.LATENT_RISK, Severity.LATENT_RISK),
        ("key", FaultScope.SYSTEM_DOWN, Severity.SYSTEM_DOWN),
        ("key", FaultScope.FUNCTION_LOST, Severity.SYSTEM_DOWN),
        ("key", FaultScope.DEGRADATION, Severity.FUNCTION_LOST),
        ("key", FaultScope.LATENT_RISK, Severity.DEGRADATION),
    ],
)
def test_proposed_severity_comes_from_scope_and_key_point_devices_rank_one_level_graver(
    criticality, scope, expected
):
    assert propose_severity(criticality, scope) == expected


def test_known_fault_types_from_the_documents_map_to_their_scope():
    assert propose_severity("normal", "all_signals_dark") == Severity.SYSTEM_DOWN
    assert propose_severity("normal", "dome_stuck") == Severity.FUNCTION_LOST
    assert propose_severity("normal", "colour_cast") == Severity.DEGRADATION
    assert propose_severity("normal", "network_jitter") == Severity.LATENT_RISK


def test_an_unknown_fault_type_is_refused_rather_than_guessed():
    with pytest.raises(ValueError):
        propose_severity("normal", "mystery")
