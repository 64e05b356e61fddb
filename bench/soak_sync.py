"""Soak: 1,000 crash cycles of the real server during pushes (SIGKILL at a random moment,
restart, retry), then the counts: lost, duplicated, integrity.

    .venv/bin/python bench/soak_sync.py [--cycles 1000] [--seed 4]
"""

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.sync_api.crash_harness import run_cycles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        tally = run_cycles(Path(tmp) / "data", args.cycles, args.seed)
    seconds = time.monotonic() - started
    print(f"crash cycles:                     {tally.cycles}")
    print(f"mutations generated:              {tally.generated}")
    print(f"applied rows:                     {tally.applied_rows}")
    print(f"lost / duplicated:                {tally.lost} / {tally.duplicated}")
    print(f"responses lost to a kill:         {tally.lost_responses}")
    print(f"  of which committed before kill: {tally.committed_unanswered}")
    print(f"PRAGMA integrity_check:           {tally.integrity}")
    print(f"other failures:                   {len(tally.failures)} {tally.failures[:3]}")
    print(f"wall time:                        {seconds:.0f} s")
    print(json.dumps({"bench": "soak_sync", **asdict(tally), "seconds": round(seconds, 1)}))


if __name__ == "__main__":
    main()
