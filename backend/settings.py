"""Settings: read once from the environment by the entry point, then passed explicitly."""

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    public_base_url: str = ""
    pwa_dir: Path = Path(__file__).resolve().parent.parent / "pwa"
    max_body_bytes: int = 1024 * 1024
    # Login throttling: failures allowed inside the window, per account and per client address.
    login_failures_per_account: int = 5
    login_failures_per_address: int = 20
    login_window_seconds: int = 900
    password_verify_concurrency: int = 2
    log_sql: bool = False
    # Evidence: photo/signature uploads (413 beyond), one tus chunk, pixels decoded at most
    # (48-MP phone photos fit; bigger is treated as a decompression bomb, 422).
    blob_max_bytes: int = 25 * 1024 * 1024
    blob_chunk_max_bytes: int = 4 * 1024 * 1024
    image_max_pixels: int = 50_000_000
    # Sync: deleted records keep their tombstone this long; an older pull cursor must reset.
    sync_tombstone_retention_days: int = 180
    # The SLA worker runs the change-log upkeep (backfill + pruning, sync_api/maintenance.py) at
    # most this often across all server processes; 0: never (then `weibao sync-maintain` only).
    sync_maintain_every_hours: float = 24.0
    # Web Push: the VAPID contact (RFC 8292 §2.1); http://127.0.0.1 endpoints only for tests
    # (anything else must be https, or subscribing would let a user aim our server at the LAN).
    push_contact: str = "mailto:ops@weibao.example"
    push_allow_loopback_endpoints: bool = False
    # The push worker runs only where the entry point asks (from_env: on unless
    # WEIBAO_PUSH_WORKER=0), so the many apps the test suite builds stay quiet.
    push_worker: bool = False
    push_poll_seconds: float = 1.0
    # The SLA clock (backend/work_orders/sla_clock.py), same pattern as the push worker.
    sla_worker: bool = False
    sla_poll_seconds: float = 60.0
    # Issue 5 item 3: a submitted inspection's failed items create fault work orders (one per
    # item, pre-filled from findings.fault_draft_from_item); off: they are only offered.
    autocreate_work_orders_from_failed_items: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.database_url:
            db_file = Path(self.data_dir).resolve() / "weibao.sqlite3"
            object.__setattr__(self, "database_url", f"sqlite+aiosqlite:///{db_file}")
        if not self.public_base_url:
            object.__setattr__(self, "public_base_url", f"http://{self.host}:{self.port}")

    @property
    def secure_cookies(self) -> bool:
        return self.public_base_url.startswith("https://")

    @property
    def media_dir(self) -> Path:
        return Path(self.data_dir) / "media"

    @property
    def secrets_dir(self) -> Path:
        return Path(self.data_dir) / "secrets"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        return cls(
            data_dir=Path(env.get("WEIBAO_DATA_DIR", "data")),
            database_url=env.get("WEIBAO_DATABASE_URL", ""),
            host=env.get("HOST", "127.0.0.1"),
            port=int(env.get("PORT", "8000")),
            public_base_url=env.get("WEIBAO_PUBLIC_URL", "").rstrip("/"),
            log_sql=env.get("WEIBAO_LOG_SQL", "") == "1",
            push_contact=env.get("WEIBAO_PUSH_CONTACT", "mailto:ops@weibao.example"),
            push_allow_loopback_endpoints=env.get("WEIBAO_PUSH_ALLOW_LOOPBACK", "") == "1",
            push_worker=env.get("WEIBAO_PUSH_WORKER", "1") != "0",
            sla_worker=env.get("WEIBAO_SLA_WORKER", "1") != "0",
            sync_maintain_every_hours=float(env.get("WEIBAO_SYNC_MAINTAIN_HOURS", "24")),
            autocreate_work_orders_from_failed_items=env.get("WEIBAO_AUTOCREATE_WORK_ORDERS", "") == "1",
        )
