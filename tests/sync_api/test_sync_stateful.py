"""Three phones edit offline, push (responses lost, batches delivered twice and late), pull,
with skewed clocks, against the real engine on SQLite; checked after every step and at the end.

Reference: sync/replica.py is fed the same deliveries in the same order; the database must
hold exactly its states (an edit applied twice would bump `version` twice). Independently of
it: every scalar field holds the write with the greatest clamped clock and every other value
written to it is kept as a loser; statuses only ever move along the declared transitions;
phones converge after a final sync.
"""

import copy
import itertools

import msgspec
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from backend.db import new_id
from backend.work_orders import store
from sync.clock import Hlc, clamp_text, tick
from sync.entities import DECLARATIONS as EXAMPLE_DECLARATIONS
from sync.merge import apply_mutation
from sync.protocol import PushRequest, mutation_from_builtins
from sync.replica import Replica
from sync.rules import value_text
from tests.sync_api.sync_model import SITE, Server, decoded, merge_part

# The server's own work-order declaration (issue 5: the real status table and fields).
DECLARATIONS = {**EXAMPLE_DECLARATIONS, "work_order": store.DECLARATION}
DECLARATION = DECLARATIONS["work_order"]
WORK_ORDER_STATUSES = DECLARATION.fields["status"].values
WORK_ORDER_TRANSITIONS = DECLARATION.fields["status"].transitions
RECORDS = ["wo-1", "wo-2"]
PHONES = ["p0", "p1", "p2"]
START_MS = 1_800_000_000_000


def reachable(source: str, target: str) -> bool:
    seen, todo = {source}, [source]
    while todo:
        for nxt in WORK_ORDER_TRANSITIONS[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return target in seen


class Phone:
    def __init__(self, name: str, skew_ms: int):
        self.name, self.user, self.skew_ms = name, f"user-{name}", skew_ms
        self.clock = Hlc(0, 0, name)
        self.seq = 0
        self.outbox: list[dict] = []
        self.sent: list[list[dict]] = []
        self.snapshot: dict[str, dict] = {}
        self.cursor = "0"

    def mutation(self, name: str, record_id: str, now_ms: int, **args) -> dict:
        self.clock = tick(self.clock, now_ms + self.skew_ms)
        self.seq += 1
        body = {
            "name": name,
            "id": new_id(),
            "client_id": self.name,
            "seq": self.seq,
            "hlc": self.clock.encode(),
            "record_id": record_id,
            **args,
        }
        self.outbox.append(body)
        return body

    def view(self, record_id: str, now_ms: int) -> dict | None:
        """What the screen shows: the snapshot with the pending outbox replayed on top."""
        state = copy.deepcopy(self.snapshot.get(record_id))
        for body in self.outbox:
            if body["record_id"] == record_id:
                decision = apply_mutation(state, mutation_from_builtins(body), DECLARATION, now_ms)
                if decision.status == "applied":
                    state = decision.state
        return state


class SyncMachine(RuleBasedStateMachine):
    @initialize(
        skews=st.lists(st.sampled_from([-4_000, 0, 0, 1_500, 90_000, 86_400_000]), min_size=3, max_size=3)
    )
    def start(self, skews):
        self.now = START_MS
        self.phones = [Phone(name, skew) for name, skew in zip(PHONES, skews, strict=True)]
        self.server = Server([p.user for p in self.phones] + ["user-admin"])
        self.replica = Replica(DECLARATIONS)
        self.first_seen: dict[str, int] = {}  # mutation id -> server time of its first delivery
        self.results: dict[str, str] = {}
        self.bodies: dict[str, dict] = {}
        admin = Phone("admin", 0)
        admin.user = "user-admin"
        for record_id in RECORDS:
            admin.mutation("work_order.create", record_id, self.now, title="t", site_id=SITE)
        self.deliver(admin, admin.outbox)

    def deliver(self, phone: Phone, batch: list[dict]) -> list:
        mutations = [mutation_from_builtins(b) for b in batch]
        results = self.server.push(mutations, phone.user, self.now)
        request = PushRequest(client_id=phone.name, mutations=mutations)
        expected = self.replica.push(request, self.now, phone.user).results
        assert results == expected
        for body, result in zip(batch, results, strict=True):
            self.first_seen.setdefault(body["id"], self.now)
            self.results.setdefault(body["id"], result.status)
            self.bodies[body["id"]] = body
        return results

    @rule(
        phone=st.integers(0, 2),
        record=st.sampled_from(RECORDS),
        field=st.sampled_from(["notes", "title"]),
        value=st.sampled_from(["a", "b", "c", "dd"]),
    )
    def edit(self, phone, record, field, value):
        self.phones[phone].mutation("work_order.set_fields", record, self.now, fields={field: value})

    @rule(phone=st.integers(0, 2), record=st.sampled_from(RECORDS), to=st.sampled_from(WORK_ORDER_STATUSES))
    def transition(self, phone, record, to):
        p = self.phones[phone]
        seen = p.view(record, self.now)
        base = {"status": seen["fields"]["status"]} if seen else {}
        p.mutation("work_order.transition", record, self.now, base=base, to=to)

    @rule(
        phone=st.integers(0, 2),
        record=st.sampled_from(RECORDS),
        key=st.sampled_from(["k1", "k2", "k3"]),
        remove=st.booleans(),
    )
    def comment(self, phone, record, key, remove):
        p = self.phones[phone]
        if remove:
            p.mutation("work_order.remove_comment", record, self.now, comment_id=key)
        else:
            p.mutation("work_order.add_comment", record, self.now, comment_id=key, body=f"{key} body")

    @precondition(lambda self: any(p.outbox for p in self.phones))
    @rule(phone=st.integers(0, 2), lose_response=st.booleans())
    def push(self, phone, lose_response):
        p = self.phones[phone]
        if not p.outbox:
            return
        batch = list(p.outbox)
        p.sent.append(batch)
        self.deliver(p, batch)  # a lost response changes nothing: the outbox waits for a pull

    @precondition(lambda self: any(p.sent for p in self.phones))
    @rule(phone=st.integers(0, 2), which=st.integers(0, 20))
    def deliver_late_copy(self, phone, which):
        """A retry or a copy held up by the network arrives after newer batches."""
        p = self.phones[phone]
        if p.sent:
            results = self.deliver(p, p.sent[which % len(p.sent)])
            assert all(r.status == "duplicate" for r in results)

    @rule(phone=st.integers(0, 2))
    def pull(self, phone):
        p = self.phones[phone]
        changes, page = self.server.pull(p.user, p.name, p.cursor, self.now)
        for change in changes:
            if change.entity == "work_order":
                p.snapshot[change.id] = merge_part(decoded(change))
        p.cursor = page.cursor
        confirmed = page.last_applied_mutation_id
        if confirmed is not None:
            upto = self.bodies[confirmed]["seq"]
            p.outbox = [b for b in p.outbox if b["seq"] > upto]

    @rule(ms=st.sampled_from([1, 500, 30_000, 200_000]))
    def time_passes(self, ms):
        self.now += ms

    @invariant()
    def database_holds_exactly_the_reference_states(self):
        stored = {k: merge_part(v) for k, v in self.server.states().items()}
        assert stored == {rid: s for (_, rid), s in self.replica.records.items()}

    @invariant()
    def each_mutation_is_decided_once(self):
        assert self.server.rows("SELECT count(*) FROM sync_applied")[0][0] == len(self.first_seen)

    @invariant()
    def fields_hold_their_greatest_clock_and_every_other_value_is_kept(self):
        states = self.server.states()
        for record_id in RECORDS:
            for field in ("notes", "title"):
                writes = self.applied_writes(record_id, field)
                best = max(writes, key=lambda w: (w[0], value_text(w[1])))
                assert states[record_id]["fields"][field] == best[1]
                kept = {
                    row[0]
                    for row in self.server.rows(
                        "SELECT value FROM sync_losers WHERE record_id = ? AND field = ?", record_id, field
                    )
                }
                assert {msgspec.json.encode(v).decode() for _, v in writes} - kept <= {
                    msgspec.json.encode(best[1]).decode()
                }

    def applied_writes(self, record_id: str, field: str) -> list[tuple[str, str]]:
        writes = []
        for mutation_id, body in self.bodies.items():
            if body["record_id"] != record_id or self.results[mutation_id] != "applied":
                continue
            if body["name"] == "work_order.create":
                value = {"title": body["title"], "notes": body.get("notes", "")}[field]
            else:
                value = body.get("fields", {}).get(field)
            if value is not None:
                writes.append((clamp_text(body["hlc"], self.first_seen[mutation_id])[0], value))
        return writes

    @invariant()
    def statuses_only_move_along_declared_transitions(self):
        for record_id in RECORDS:
            logged = [
                msgspec.json.decode(r[0])["fields"]["status"]
                for r in self.server.rows(
                    "SELECT data FROM sync_changes WHERE record_id = ? ORDER BY seq", record_id
                )
            ]
            for before, after in itertools.pairwise(logged):
                assert before == after or reachable(before, after), (before, after)
        for proposed, current in self.server.rows(
            "SELECT json_extract(body, '$.proposed.status'), json_extract(body, '$.current.status') "
            "FROM sync_conflicts WHERE kind = 'illegal_transition'"
        ):
            assert proposed not in WORK_ORDER_TRANSITIONS[current]

    def teardown(self):
        if not hasattr(self, "phones"):
            return
        for _ in range(2):  # a final sync: everyone pushes, then everyone pulls everything
            for index in range(len(self.phones)):
                self.push(index, False)
            for index in range(len(self.phones)):
                self.pull(index)
        stored = {k: merge_part(v) for k, v in self.server.states().items()}
        for phone in self.phones:
            assert phone.outbox == []
            assert phone.snapshot == stored
        self.server.conn.close()


SyncMachine.TestCase.settings = settings(max_examples=500, stateful_step_count=14, deadline=None)
test_phones_converge_and_nothing_is_lost_or_applied_twice = SyncMachine.TestCase
