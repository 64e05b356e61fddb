"""A throwaway PostgreSQL cluster: initdb in a temp dir, pg_ctl on 127.0.0.1, gone afterwards.

PostgreSQL refuses to run as root, so as root the server binaries run as the Debian package's
`postgres` user (or `nobody` when it is missing) through `runuser`, in a data dir that user
owns. Authentication is `trust`, which is safe only because the server listens on 127.0.0.1
and on a Unix socket inside the private temp dir. fsync is off: the cluster dies with the tests.
"""

import asyncio
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from backend import migrate
from tests.live import free_port

SUPERUSER = "weibao"
TEMPLATE = "weibao_template"  # migrated once per session; every test database is a copy


def server_bindir() -> Path | None:
    """Where initdb and pg_ctl live: PATH (e.g. /usr/local/bin), pg_config, Debian's layout."""
    candidates = []
    if found := shutil.which("pg_ctl"):
        candidates.append(Path(found).parent)
    if pg_config := shutil.which("pg_config"):
        done = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidates.append(Path(done.stdout.strip()))
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    return None


def server_user() -> str | None:
    """The account the server runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a postgres nor a nobody account exists")


# Runs beside the tests and stops the cluster when its stdin closes: at the end of the
# session, and also when the test process dies without teardown (a crash, a hard timeout).
WATCHDOG = """
import shutil, subprocess, sys
sys.stdin.read()
subprocess.run(sys.argv[2:], capture_output=True)
shutil.rmtree(sys.argv[1], ignore_errors=True)
"""


@dataclass
class Cluster:
    bindir: Path
    root: Path
    port: int
    user: str | None
    watchdog: subprocess.Popen | None = None

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        """For asyncpg.connect, without SQLAlchemy's driver suffix."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None, template: str = "template0") -> str:
        """A new database (a copy of `template`, ~0.1 s); its name."""
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        # FILE_COPY: copying a small template's files beats PostgreSQL 15's default of writing
        # every page through the WAL; its checkpoint costs nothing with fsync off.
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        return name

    def drop_database(self, name: str) -> None:
        # FORCE: a connection a failed test left open must not keep its database alive.
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _admin(self, sql: str) -> None:
        async def run() -> None:
            connection = await asyncpg.connect(self.dsn())
            try:
                await connection.execute(sql)
            finally:
                await connection.close()

        # Callers may be inside a running event loop (async fixtures): a thread has none.
        migrate.in_own_thread(asyncio.run, run())

    def _command(self, program: str, *args: str) -> list[str]:
        command = [str(self.bindir / program), *args]
        return ["runuser", "-u", self.user, "--", *command] if self.user else command

    def _run(self, program: str, *args: str) -> None:
        command = self._command(program, *args)
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.root)
        if done.returncode != 0:
            log = (self.root / "server.log").read_text() if (self.root / "server.log").exists() else ""
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr}\n{log}")

    def start(self) -> None:
        stop = self._command("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        self.watchdog = subprocess.Popen(
            [sys.executable, "-c", WATCHDOG, str(self.root), *stop],
            stdin=subprocess.PIPE,
            start_new_session=True,  # a Ctrl-C to the tests must not kill it first
        )
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-w", "-t", "60", "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        if self.watchdog is not None:
            self.watchdog.stdin.close()
            self.watchdog.wait(timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


class DatabaseSupply:
    """Copies of the template, one made ahead on a thread of its own while a test runs, and
    dropped there afterwards: a test waits only if its copy is not ready yet."""

    def __init__(self, cluster: Cluster, template: str) -> None:
        self.cluster, self.template = cluster, template
        self.worker = ThreadPoolExecutor(max_workers=1)  # one at a time: a queue, in order
        self.ahead = self.worker.submit(cluster.create_database, None, template)

    def take(self) -> str:
        name = self.ahead.result()
        self.ahead = self.worker.submit(self.cluster.create_database, None, self.template)
        return name

    def give_back(self, name: str) -> None:
        self.worker.submit(self.cluster.drop_database, name)

    def close(self) -> None:
        self.ahead.result()
        self.worker.shutdown(wait=True)


def start_cluster() -> Cluster:
    bindir = server_bindir()
    if bindir is None:
        raise RuntimeError(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: `make system-deps` installs "
            "the Debian postgresql package"
        )
    user = server_user()
    # Not pytest's tmp dir: that one is private to us (0700), and the server user must enter it.
    root = Path(tempfile.mkdtemp(prefix="weibao-pg-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(bindir=bindir, root=root, port=free_port(), user=user)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()  # also a server that started but missed pg_ctl's deadline
        raise
    return cluster
