"""A throw-away PostgreSQL server from the distribution's binaries, for tests and benchmarks.

Finds `initdb`/`pg_ctl` under /usr/lib/postgresql/*/bin (Debian), `pg_config --bindir` or PATH.
PostgreSQL refuses to run as root: when we are root the data directory is given to the
`postgres` system user (created with useradd if missing) and the tools run through `runuser`.
The server listens on 127.0.0.1 on a free port with trust authentication and is removed on stop.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

SERVER_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    pass


def find_bindir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parts[-3].split(".")],
    )
    if found:
        return Path(found[-1]).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        cand = Path(out.stdout.strip())
        if (cand / "pg_ctl").exists():
            return cand
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        return Path(pg_ctl).parent
    raise PostgresUnavailable(
        "PostgreSQL server binaries not found (Debian: apt install postgresql)"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ensure_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SERVER_USER,
            ],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(SERVER_USER)


class TempPostgres:
    def __init__(self, base_dir: Path | None = None) -> None:
        self.bindir = find_bindir()
        if base_dir is None and os.geteuid() == 0:
            base_dir = Path("/tmp")  # $TMPDIR may sit in a home the server user cannot enter
        self.root = Path(tempfile.mkdtemp(prefix="kiosk-pg-", dir=base_dir))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self._user: pwd.struct_passwd | None = None
        self.started = False

    def _run(self, *cmd: str) -> subprocess.CompletedProcess[str]:
        argv = [str(self.bindir / cmd[0]), *cmd[1:]]
        if self._user is not None:
            runuser = shutil.which("runuser")
            if runuser:
                argv = [runuser, "-u", self._user.pw_name, "--", *argv]
            else:
                argv = [
                    "su",
                    self._user.pw_name,
                    "-s",
                    "/bin/sh",
                    "-c",
                    " ".join(f"'{a}'" for a in argv),
                ]
        return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)

    def start(self, extra: dict[str, str] | None = None) -> str:
        if os.geteuid() == 0:
            self._user = _ensure_user()
            os.chmod(self.root, 0o700)
            os.chown(self.root, self._user.pw_uid, self._user.pw_gid)
        res = self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "kiosk",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        if res.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {res.stderr.strip() or res.stdout.strip()}")
        options = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.root),
            "max_connections": "100",
            **(extra or {}),
        }
        for attempt in range(5):
            self.port = _free_port()
            opts = f"-p {self.port} " + " ".join(f"-c {k}={v}" for k, v in options.items())
            res = self._run(
                "pg_ctl",
                "start",
                "-D",
                str(self.data),
                "-w",
                "-t",
                "60",
                "-l",
                str(self.log),
                "-o",
                opts,
            )
            if res.returncode == 0:
                self.started = True
                return self.dsn()
            if attempt == 4:
                log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
                raise PostgresUnavailable(f"pg_ctl start failed: {res.stderr.strip()} {log}")
        raise AssertionError("unreachable")

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://kiosk@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        import psycopg

        name = name or f"kiosk_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=kiosk dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    # -- faults (tests) ---------------------------------------------------------------------

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def freeze(self) -> list[int]:
        """SIGSTOP the whole server (the postmaster and the backends serving connections): the
        kernel still accepts connections and queries, nothing answers."""
        import signal

        import psutil

        # The postmaster first, so that it forks no backend after the list is read. A backend
        # whose connection was just closed may exit between the listing and the signal: it
        # serves nobody, so it is left out rather than failing the test (CI failed on it once).
        root = self.postmaster_pid()
        os.kill(root, signal.SIGSTOP)
        frozen = [root]
        try:
            children = [c.pid for c in psutil.Process(root).children(recursive=True)]
        except psutil.NoSuchProcess:
            children = []
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)
                frozen.append(pid)
        return frozen

    def thaw(self, pids: list[int]) -> None:
        import signal

        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    def stop_server(self, mode: str = "fast") -> None:
        """Stops the server but keeps its data (start_again restarts it on the same port)."""
        res = self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "30")
        if res.returncode != 0:
            raise PostgresUnavailable(f"pg_ctl stop failed: {res.stderr.strip()}")

    def start_again(self) -> None:
        opts = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
        )
        res = self._run(
            "pg_ctl", "start", "-D", str(self.data), "-w", "-t", "60", "-l", str(self.log),
            "-o", opts,
        )  # fmt: skip
        if res.returncode != 0:
            raise PostgresUnavailable(f"pg_ctl start failed: {res.stderr.strip()}")

    def restart(self) -> None:
        self.stop_server()
        self.start_again()

    def stop(self) -> None:
        if self.started:
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w", "-t", "30")
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> TempPostgres:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
