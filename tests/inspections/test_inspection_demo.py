"""The demo server has inspection plans with due, overdue and done rounds and real records."""

from contextlib import closing

import httpx


def session(live_server, username: str) -> httpx.Client:
    http = httpx.Client(base_url=live_server.url)
    http.get("/api/health")
    http.headers["x-csrftoken"] = http.cookies["csrftoken"]
    assert (
        http.post("/api/auth/login", json={"username": username, "password": "weibao-demo"}).status_code
        == 200
    )
    return http


def test_the_demo_technician_has_due_and_overdue_inspections_and_done_rounds_have_records(live_server):
    with closing(session(live_server, "tech1")) as http:
        work = http.get("/api/my/inspections").json()
        statuses = {r["status"] for r in work["rounds"]}
        assert {"due", "overdue"} <= statuses
        ends = [r["due_end"] for r in work["rounds"]]
        assert ends == sorted(ends)
        done = http.get("/api/inspection-rounds", params={"status": "done"}).json()
        assert done and all(r["submitted_count"] == r["asset_count"] > 0 for r in done)
        records = http.get("/api/inspections", params={"round_id": done[0]["id"]}).json()
        assert {r["state"] for r in records} == {"submitted"}
    with closing(session(live_server, "admin")) as http:
        plans = http.get("/api/inspection-plans").json()
        assert {"event", "monthly", "three_per_quarter"} <= {p["frequency"] for p in plans}
