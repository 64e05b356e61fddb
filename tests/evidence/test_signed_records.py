"""Signing, locking, amendments and `weibao verify`, with a test-only record kind."""

from datetime import UTC, datetime
from pathlib import Path

import anyio
import pytest
from sqlalchemy import exc

from backend.audit.recorder import Actor
from backend.auth.schemas import CurrentUser
from backend.cli import main
from backend.db import session_scope
from backend.errors import Conflict
from backend.signatures import chain, kinds, service
from backend.signatures.schemas import Refusal, SignatureCapture
from backend.signatures.service import StaleSignature
from tests.builders import login
from tests.conftest import drop_append_only_guard, sql
from tests.evidence import samples

NOTES: dict[str, dict] = {}


async def load_note(_session, record_id: str) -> kinds.RecordView | None:
    note = NOTES.get(record_id)
    return kinds.RecordView(note["site_id"], note["fields"]) if note else None


@pytest.fixture(autouse=True)
def test_note_kind():
    kinds.register("test_note", load_note)
    yield
    kinds.RECORD_KINDS.pop("test_note", None)
    NOTES.clear()


def user_of(world, username: str, role: str) -> CurrentUser:
    return CurrentUser(world.user_ids[username], username, username.title(), role, "zh-CN", "s")


def capture(image_sha: str = "e" * 64) -> SignatureCapture:
    return SignatureCapture(
        signer_name="李四",
        role="甲方代表 示例市拘留所",
        signed_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
        image_sha256=image_sha,
        strokes=[[(1.0, 2.0, 0.0), (3.5, 4.0, 16.0)]],
    )


class Evidence:
    """One test's app, world and a technician acting through the services."""

    def __init__(self, app, world, settings):
        self.app, self.world, self.settings = app, world, settings
        self.tech = user_of(world, "technician_a", "technician")
        self.key = chain.load_key(settings.secrets_dir)

    def note(self, note_id: str, **fields) -> None:
        NOTES[note_id] = {"site_id": self.world.a.site_id, "fields": {"text": "fixed", **fields}}

    async def run(self, work, write=True):
        async with session_scope(self.app.state.db, write=write) as session:
            session.info["actor"] = Actor(self.tech.id, self.tech.display_name)
            return await work(session)

    async def current_hash(self, note_id: str) -> str:
        return (await self.run(lambda s: service.record_hash(s, "test_note", note_id, self.tech)))[2]

    async def sign(self, note_id: str, expected: str, what=None):
        return await self.run(
            lambda s: service.sign(s, self.key, "test_note", note_id, expected, what or capture(), self.tech)
        )


@pytest.fixture
def evidence(app, world, settings) -> Evidence:
    return Evidence(app, world, settings)


async def verify_cli(settings, monkeypatch, capsys) -> tuple[int, str]:
    monkeypatch.setenv("WEIBAO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("WEIBAO_DATABASE_URL", settings.database_url)
    try:
        await anyio.to_thread.run_sync(main, ["verify"])
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code)
    return code, capsys.readouterr().out


async def test_signing_with_the_current_hash_locks_the_record(evidence):
    evidence.note("n1")
    signed = await evidence.sign("n1", await evidence.current_hash("n1"))
    assert (signed.version, signed.outcome) == (1, "signed")
    assert await evidence.run(lambda s: service.is_locked(s, "test_note", "n1"), write=False)
    with pytest.raises(Conflict) as refused:
        await evidence.run(lambda s: service.ensure_editable(s, "test_note", "n1"))
    assert refused.value.code == "record_locked"


async def test_a_record_edited_elsewhere_after_the_signer_saw_it_is_a_stale_signature(evidence, app):
    evidence.note("n2")
    shown_to_signer = await evidence.current_hash("n2")
    evidence.note("n2", text="changed on another device while the phone was offline")
    with pytest.raises(StaleSignature) as stale:
        await evidence.sign("n2", shown_to_signer)
    assert stale.value.code == "stale_signature"
    assert stale.value.detail["signed_hash"] == shown_to_signer
    assert await sql(app.state.db, "SELECT count(*) FROM signed_records") == [(0,)]


async def test_a_photo_added_after_the_hash_was_shown_makes_the_signature_stale(evidence, client, world):
    evidence.note("n3")
    shown = await evidence.current_hash("n3")
    await login(client, "technician_a")
    body = {
        "sha256": "f" * 64,
        "site_id": world.a.site_id,
        "record_kind": "test_note",
        "record_id": "n3",
        "phase": "after",
        "captured_at": "2026-11-20T08:30:00Z",
    }
    assert (await client.post("/api/photos", json=body)).status_code == 201
    with pytest.raises(StaleSignature):
        await evidence.sign("n3", shown)


async def test_photos_cannot_be_attached_to_a_signed_record(evidence, client, world):
    evidence.note("n4")
    await evidence.sign("n4", await evidence.current_hash("n4"))
    await login(client, "technician_a")
    body = {
        "sha256": "f" * 64,
        "site_id": world.a.site_id,
        "record_kind": "test_note",
        "record_id": "n4",
        "phase": "after",
        "captured_at": "2026-11-20T08:30:00Z",
    }
    response = await client.post("/api/photos", json=body)
    assert response.status_code == 409
    assert response.json()["error"] == "record_locked"


async def test_a_refusal_is_recorded_and_locks_the_record_too(evidence):
    evidence.note("n5")
    refusal = Refusal(
        contact_person="王主任",
        reason="not_authorised",
        reason_text="需上级批准",
        refused_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
    )
    signed = await evidence.sign("n5", await evidence.current_hash("n5"), refusal)
    assert signed.outcome == "refused"
    assert await evidence.run(lambda s: service.is_locked(s, "test_note", "n5"), write=False)


async def test_an_approved_amendment_makes_version_2_and_version_1_stays_verifiable(
    evidence, settings, monkeypatch, capsys
):
    evidence.note("n6")
    await evidence.sign("n6", await evidence.current_hash("n6"))
    amendment = await evidence.run(
        lambda s: service.request_amendment(s, "test_note", "n6", "wrong part number", evidence.tech)
    )
    with pytest.raises(Exception, match="approves"):
        await evidence.run(lambda s: service.approve_amendment(s, amendment.id, evidence.tech))
    dispatcher = user_of(evidence.world, "dispatcher_a", "dispatcher")
    await evidence.run(lambda s: service.approve_amendment(s, amendment.id, dispatcher))
    evidence.note("n6", text="fixed, part HK-42 replaced")
    second = await evidence.sign("n6", await evidence.current_hash("n6"))
    assert second.version == 2
    code, out = await verify_cli(settings, monkeypatch, capsys)
    assert code == 0, out
    assert "2 signed records" in out and "everything matches" in out


async def test_verify_reports_a_tampered_row_by_name(evidence, app, settings, monkeypatch, capsys):
    evidence.note("n7")
    await evidence.sign("n7", await evidence.current_hash("n7"))
    tamper = "UPDATE signed_records SET canonical = replace(canonical, 'fixed', 'FIXED')"
    with pytest.raises(exc.DBAPIError, match="append-only"):
        await sql(app.state.db, tamper)
    await drop_append_only_guard(app.state.db, "signed_records")
    await sql(app.state.db, tamper)
    code, out = await verify_cli(settings, monkeypatch, capsys)
    assert code == 1
    assert "[record_hash] test_note/n7 v1" in out


async def test_verify_reports_a_record_changed_after_signing(evidence, settings, monkeypatch, capsys):
    evidence.note("n8")
    await evidence.sign("n8", await evidence.current_hash("n8"))
    evidence.note("n8", text="quietly changed in the live rows")
    code, out = await verify_cli(settings, monkeypatch, capsys)
    assert code == 1
    assert "[changed_after_signing] test_note/n8 v1" in out


async def test_verify_reports_a_photo_file_changed_on_disk(
    evidence, app, client, world, settings, monkeypatch, capsys
):
    await login(client, "technician_a")
    data = samples.jpeg_with_metadata(seed=21)
    await samples.upload(client, data, world.a.site_id)
    evidence.note("n9")
    body = {
        "sha256": samples.sha256(data),
        "site_id": world.a.site_id,
        "record_kind": "test_note",
        "record_id": "n9",
        "phase": "before",
        "captured_at": "2026-11-20T08:30:00Z",
    }
    assert (await client.post("/api/photos", json=body)).status_code == 201
    await evidence.sign("n9", await evidence.current_hash("n9"))
    assert (await verify_cli(settings, monkeypatch, capsys))[0] == 0
    [(thumb,)] = await sql(
        app.state.db, "SELECT thumb_sha256 FROM blobs WHERE sha256=?", samples.sha256(data)
    )
    victim = Path(settings.data_dir) / "media" / "blobs" / thumb[:2] / thumb
    victim.write_bytes(victim.read_bytes()[:-10] + b"0123456789")
    code, out = await verify_cli(settings, monkeypatch, capsys)
    assert code == 1
    assert f"[file_hash] blob {samples.sha256(data)}" in out
    assert victim.name in out


async def test_verify_reports_a_forged_chain_entry_whose_seal_does_not_hold(evidence, app, client):
    evidence.note("n10")
    await evidence.sign("n10", await evidence.current_hash("n10"))
    evidence.key = chain.Ed25519PrivateKey.generate()  # a forger without the real key
    evidence.note("n11")
    await evidence.sign("n11", await evidence.current_hash("n11"))
    await login(client, "admin")
    report = (await client.get("/api/verify")).json()
    assert report["ok"] is False
    assert [(p["check"], p["subject"]) for p in report["problems"]] == [
        ("seal", "chain entry 2 (test_note/n11 v1)")
    ]


async def test_only_an_admin_may_run_the_verification_api(client, world):
    await login(client, "dispatcher_a")
    assert (await client.get("/api/verify")).status_code == 403
    await login(client, "admin")
    assert (await client.get("/api/verify")).json()["ok"] is True
