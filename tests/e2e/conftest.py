"""End-to-end fixtures: a real OpenSSH server, `reviewtui serve --ssh`, tmux, keys, free ports.

Every fixture works in its own temporary folder and on ports the system hands out, so the
tests run in parallel (pytest -n 2). Each skips, saying why, only when the tool it needs
is missing or cannot run here.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
SSHD = "/usr/sbin/sshd"


# No end-to-end test may hang a whole run: each is stopped after this many seconds.
TEST_LIMIT = 120


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: end-to-end test through a real terminal, SSH, tmux or browser")


class TestTookTooLong(Exception):
    pass


@pytest.fixture(autouse=True)
def _time_limit() -> Iterator[None]:
    """Interrupt a test that runs past TEST_LIMIT (SIGALRM; fixtures still clean up)."""

    def expire(signum: int, frame: object) -> None:
        raise TestTookTooLong(f"end-to-end test still running after {TEST_LIMIT} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(TEST_LIMIT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def die_with_parent() -> None:
    """preexec_fn: servers started by a test end when the test run is killed (Linux PR_SET_PDEATHSIG)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, timeout: float = 15.0, process: subprocess.Popen[bytes] | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return True
        time.sleep(0.05)
    return False


def app_env(tmp: Path, **extra: str) -> dict[str, str]:
    """An environment for the app: this checkout importable, config/cache/data in `tmp`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEXTUAL", "PYTEST", "TMUX")) and key not in ("COLUMNS", "LINES", "NO_COLOR")
    }
    env.update(
        PYTHONPATH=str(REPO),
        XDG_CONFIG_HOME=str(tmp / "config"),
        XDG_CACHE_HOME=str(tmp / "cache"),
        XDG_DATA_HOME=str(tmp / "data"),
        LANG="C.UTF-8",
    )
    env.update(extra)
    return env


def app_command(tmp: Path, *args: str, **env: str) -> str:
    """A shell command line that starts the app (this Python) with `app_env`, for ssh and tmux."""
    assign = [f"{k}={v}" for k, v in app_env(tmp, **env).items() if k in ("PYTHONPATH", "LANG") or k.startswith("XDG")]
    assign += [f"{k}={v}" for k, v in env.items()]
    return shlex.join(["env", *assign, sys.executable, "-m", "reviewtui", *args])


# ------------------------------------------------------------------------------ keys


@dataclass(frozen=True)
class KeyPair:
    private: Path
    public: Path


def make_key(path: Path) -> KeyPair:
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed (Debian: openssh-client)")
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "reviewtui-test", "-f", str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return KeyPair(path, path.with_name(path.name + ".pub"))


@pytest.fixture
def client_key(tmp_path: Path) -> KeyPair:
    return make_key(tmp_path / "client_key")


def ssh_argv(port: int, key: KeyPair | None, *command: str, user: str | None = None, tty: bool = True) -> list[str]:
    """The real OpenSSH client, ignoring every user and system configuration."""
    if shutil.which("ssh") is None:
        pytest.skip("the ssh client is not installed (Debian: openssh-client)")
    argv = [
        "ssh",
        "-F",
        "/dev/null",
        "-p",
        str(port),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "BatchMode=yes",
        "-o",
        "LogLevel=ERROR",
        "-o",
        "ConnectTimeout=10",
    ]
    argv += ["-o", "IdentitiesOnly=yes", "-i", str(key.private)] if key else ["-o", "IdentityFile=/dev/null"]
    argv += ["-tt"] if tty else ["-T"]
    argv.append(f"{user or getpass.getuser()}@127.0.0.1")
    argv += command
    return argv


# ------------------------------------------------------------------------------ OpenSSH server


@dataclass(frozen=True)
class OpenSSH:
    port: int
    key: KeyPair  # a client key the server accepts
    user: str


SSHD_CONFIG = """\
Port {port}
ListenAddress 127.0.0.1
HostKey {host_key}
PidFile {tmp}/sshd.pid
AuthorizedKeysFile {tmp}/authorized_keys
AllowUsers {user}
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitUserEnvironment no
AllowTcpForwarding no
X11Forwarding no
PrintMotd no
PrintLastLog no
Banner none
LogLevel ERROR
"""


@contextlib.contextmanager
def run_openssh(folder: Path, client_key: KeyPair) -> Iterator[OpenSSH]:
    """Debian's sshd on 127.0.0.1 on a free port, with a temporary host key, accepting `client_key`."""
    if not os.path.exists(SSHD):
        pytest.skip(f"{SSHD} is not installed (Debian: openssh-server)")
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation folder sshd insists on
    folder.mkdir(parents=True, exist_ok=True)
    host_key = make_key(folder / "ssh_host_ed25519_key")
    shutil.copy(client_key.public, folder / "authorized_keys")
    user = getpass.getuser()
    port = free_port()
    config = folder / "sshd_config"
    config.write_text(SSHD_CONFIG.format(port=port, host_key=host_key.private, tmp=folder, user=user))
    check = subprocess.run([SSHD, "-t", "-f", str(config)], capture_output=True, text=True)
    if check.returncode != 0:
        pytest.skip(f"sshd refuses to run here: {check.stderr.strip()}")
    log = (folder / "sshd.log").open("wb")
    server = subprocess.Popen(
        [SSHD, "-D", "-e", "-f", str(config)],
        stdout=log,
        stderr=log,
        start_new_session=True,
        preexec_fn=die_with_parent,
    )
    try:
        if not wait_port(port, process=server):
            message = (folder / "sshd.log").read_text(errors="replace").strip()
            pytest.skip(f"sshd could not start here: {message or 'no answer on its port'}")
        yield OpenSSH(port, client_key, user)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(5)
        log.close()


@pytest.fixture
def openssh(tmp_path: Path, client_key: KeyPair) -> Iterator[OpenSSH]:
    with run_openssh(tmp_path / "sshd", client_key) as server:
        yield server


# ------------------------------------------------------------------------------ reviewtui serve --ssh


@dataclass
class ServeSSH:
    port: int
    process: subprocess.Popen[str]
    log: Path
    data: Path  # XDG_DATA_HOME of the server

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_serve_ssh(tmp: Path, *args: str, root: Path = CONTENT) -> ServeSSH:
    """`reviewtui serve --ssh --port 0 [args] ROOT`; waits until it listens and returns its port."""
    log = tmp / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "reviewtui", "serve", "--ssh", "--port", "0", *args, str(root)],
            stdout=out,
            stderr=out,
            env=app_env(tmp),
            cwd=str(tmp),
            start_new_session=True,
            preexec_fn=die_with_parent,
            text=True,
        )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = re.search(r"SSH on 127\.0\.0\.1:(\d+)", log.read_text(errors="replace"))
        if found:
            return ServeSSH(int(found.group(1)), process, log, tmp / "data")
        if process.poll() is not None:
            break
        time.sleep(0.05)
    stop_serve(process)
    raise AssertionError(f"reviewtui serve --ssh did not start:\n{log.read_text(errors='replace')}")


def stop_serve(process: subprocess.Popen[str]) -> int:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
    return process.returncode


@pytest.fixture
def serve_ssh(tmp_path: Path) -> Iterator[ServeSSH]:
    server = start_serve_ssh(tmp_path)
    try:
        yield server
    finally:
        stop_serve(server.process)


# ------------------------------------------------------------------------------ processes


def descendants(pid: int) -> list[int]:
    """Every living process below `pid`, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # a zombie counts: it was never reaped
        children.setdefault(int(fields[1]), []).append(int(entry))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def wait_for(check: object, timeout: float = 10.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(interval)
    return bool(check())  # type: ignore[operator]


# ------------------------------------------------------------------------------ colours

_SGR = re.compile(rb"\x1b\[([0-9;:]*)m")
_GREY_256 = {0, 7, 8, 15, 16, 59, 102, 145, 188, 231, *range(232, 256)}


def chromatic_colours(data: bytes) -> set[str]:
    """Every SGR colour in `data` that is not black, white or a grey (what NO_COLOR rules out)."""
    found: set[str] = set()
    for match in _SGR.finditer(data):
        params = [int(p) if p.isdigit() else 0 for p in match.group(1).replace(b":", b";").split(b";")]
        i = 0
        while i < len(params):
            p = params[i]
            if p in (38, 48, 58) and i + 1 < len(params):
                if params[i + 1] == 5 and i + 2 < len(params):
                    if params[i + 2] not in _GREY_256:
                        found.add(f"{p};5;{params[i + 2]}")
                    i += 3
                    continue
                if params[i + 1] == 2 and i + 4 < len(params):
                    r, g, b = params[i + 2 : i + 5]
                    if max(r, g, b) - min(r, g, b) > 8:
                        found.add(f"{p};2;{r};{g};{b}")
                    i += 5
                    continue
            elif 31 <= p <= 36 or 41 <= p <= 46 or 91 <= p <= 96 or 101 <= p <= 106:
                found.add(str(p))
            i += 1
    return found
