"""The real server SIGKILLed at random moments during pushes: nothing lost, nothing doubled."""

from tests.sync_api.crash_harness import run_cycles


def test_fifty_crashes_during_pushes_lose_nothing_and_double_nothing(tmp_path):
    tally = run_cycles(tmp_path / "data", cycles=50)
    assert tally.failures == []
    assert (tally.lost, tally.duplicated) == (0, 0)
    assert tally.applied_rows == tally.generated > 50
    assert tally.integrity == "ok"
    # The kills really interrupted pushes: some responses were lost.
    assert tally.lost_responses > 0
