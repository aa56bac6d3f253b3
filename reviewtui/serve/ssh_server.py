"""`reviewtui serve --ssh`: an SSH server (asyncssh) that gives every visitor their own app.

Each accepted session runs `python -m reviewtui.serve.child ROOT` in a fresh PTY (see
`PtyChild`), its size following the visitor's window and its TERM taken from the visitor's
pty request. Nothing else is offered: no shell, no commands, no SFTP or SCP, no port, agent
or X11 forwarding. Apps run read-only (`session_env`). A hang-up or a dead link (keepalives)
ends the app's whole process group and reaps it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from reviewtui.core.text import clean
from reviewtui.serve.environment import session_env
from reviewtui.serve.host_key import load_or_create_host_key
from reviewtui.serve.pty_child import PtyChild

# Window sizes beyond this are treated as this (a client may send anything).
MAX_COLS, MAX_ROWS = 1000, 500
# Connections still logging in, or refused as over the cap, may exceed the app cap by this factor.
PENDING_FACTOR = 2


@dataclass(frozen=True)
class SSHSettings:
    argv: tuple[str, ...]  # the app command, run once per session
    host: str = "127.0.0.1"
    port: int = 2222
    authorized_keys: Path | None = None  # None: any client may connect
    max_sessions: int = 8
    host_key: Path | None = None  # None: the one kept in the user data folder
    login_timeout: float = 30.0
    keepalive_interval: float = 30.0  # a link that stops answering for 3 intervals is dropped


def _log(message: str) -> None:
    print(f"reviewtui serve: {message}", file=sys.stderr, flush=True)


def _peer(conn: asyncssh.SSHServerConnection) -> str:
    peer = conn.get_extra_info("peername") or ("?", 0)
    return f"{peer[0]}:{peer[1]}"


class Hub:
    """What every connection shares: settings, the count of connections and live sessions."""

    def __init__(self, settings: SSHSettings, log: Callable[[str], None] = _log) -> None:
        self.settings = settings
        self.log = log
        self.connections = 0
        self.sessions: set[AppSession] = set()
        self.endings: set[asyncio.Task[None]] = set()  # children being hung up

    @property
    def full(self) -> bool:
        return len(self.sessions) >= self.settings.max_sessions

    def track(self, task: asyncio.Task[None]) -> None:
        self.endings.add(task)
        task.add_done_callback(self.endings.discard)

    async def close_all(self) -> None:
        for session in list(self.sessions):
            session.hang_up()
        while self.endings:
            await asyncio.gather(*list(self.endings), return_exceptions=True)


class Connection(asyncssh.SSHServer):
    """One TCP connection: authentication policy and at most one session."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.conn: asyncssh.SSHServerConnection | None = None
        self.sessions = 0

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self.hub.connections += 1
        if self.hub.connections > PENDING_FACTOR * self.hub.settings.max_sessions:
            self.hub.log(f"{_peer(conn)}: refused, too many connections")
            conn.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.hub.connections -= 1

    def begin_auth(self, username: str) -> bool:
        # False lets the client in with no authentication at all (the `ssh terminal.shop` model);
        # with an allow-list, only its public keys are accepted.
        return self.hub.settings.authorized_keys is not None

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def session_requested(self) -> AppSession | bool:
        if self.sessions >= 1:  # one app per connection, even from a multiplexing client
            return False
        self.sessions += 1
        assert self.conn is not None
        return AppSession(self.hub, self.conn)


class AppSession(asyncssh.SSHServerSession[bytes]):
    """One visitor's session: a PTY-backed app relayed over the channel."""

    def __init__(self, hub: Hub, conn: asyncssh.SSHServerConnection) -> None:
        self.hub = hub
        self.conn = conn
        self.who = f"{_peer(conn)} ({clean(str(conn.get_extra_info('username') or '?'))[:40]})"
        self.chan: asyncssh.SSHServerChannel[bytes] | None = None
        self.term: str | None = None
        self.size = (80, 24)
        self.command: str | None = None
        self.child: PtyChild | None = None
        self.early = bytearray()  # keys typed before the app started
        self.open = True
        self.started_at = time.monotonic()

    # -------------------------------------------------------------- channel requests

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:  # type: ignore[override]
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes: object) -> bool:  # type: ignore[override]
        self.term = term_type
        self.size = _clamp(term_size[0], term_size[1])
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self.command = command
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        return False  # no SFTP or anything else

    def session_started(self) -> None:
        if self.command is not None and self.command.strip() not in ("", "reviewtui"):
            self._refuse("this server only runs the review browser; connect without a command.")
        elif self.term is None:
            self._refuse("the review browser needs a terminal; connect with `ssh -t`.")
        elif self.hub.full:
            self.hub.log(f"{self.who}: refused, {len(self.hub.sessions)} sessions running")
            self._refuse(f"the server is busy ({len(self.hub.sessions)} sessions); try again later.")
        else:
            self.hub.sessions.add(self)
            asyncio.get_running_loop().create_task(self._start())

    def _refuse(self, message: str) -> None:
        assert self.chan is not None
        newline = "\r\n" if self.term else "\n"
        with contextlib.suppress(Exception):
            self.chan.write_stderr(f"reviewtui: {message}{newline}".encode())
            self.chan.exit(1)

    async def _start(self) -> None:
        assert self.chan is not None
        cols, rows = self.size
        env = session_env(os.environ, term=self.term, client=self.chan.get_environment())
        peer, local = self.conn.get_extra_info("peername"), self.conn.get_extra_info("sockname")
        if peer and local:  # as sshd sets them: programs that look for an SSH session find one
            env["SSH_CONNECTION"] = f"{peer[0]} {peer[1]} {local[0]} {local[1]}"
            env["SSH_CLIENT"] = f"{peer[0]} {peer[1]} {local[1]}"
        child = PtyChild(
            self.hub.settings.argv,
            env=env,
            cols=cols,
            rows=rows,
            on_output=self._output,
            on_exit=self._exited,
        )
        try:
            await child.start()
        except OSError as exc:
            self.hub.sessions.discard(self)
            self.hub.log(f"{self.who}: could not start the app: {exc}")
            self._refuse("the app could not be started.")
            return
        self.child = child
        term = clean(self.term or "")[:40]
        self.hub.log(f"{self.who}: session started (TERM={term}, {cols}x{rows}, pid {child.pid})")
        if not self.open:  # the client left while the app was starting
            self.hang_up()
            return
        if self.early:
            child.write(bytes(self.early))
            self.early.clear()

    # -------------------------------------------------------------- data both ways

    def data_received(self, data: bytes, datatype: int | None) -> None:  # type: ignore[override]
        if self.child is not None:
            self.child.write(data)
        elif len(self.early) < 4096:
            self.early += data

    def _output(self, data: bytes) -> None:
        if self.open and self.chan is not None:
            try:
                self.chan.write(data)
            except (BrokenPipeError, OSError, asyncssh.Error):
                self.hang_up()

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.size = _clamp(width, height)
        if self.child is not None:
            self.child.resize(*self.size)

    def pause_writing(self) -> None:
        if self.child is not None:
            self.child.pause_output()

    def resume_writing(self) -> None:
        if self.child is not None:
            self.child.resume_output()

    def eof_received(self) -> bool:
        return False  # no more input: close the channel, which ends the app

    def break_received(self, msec: int) -> bool:
        return False

    # -------------------------------------------------------------- ending

    def _exited(self, status: int) -> None:
        self.hub.sessions.discard(self)
        if self.open and self.chan is not None:
            self.open = False
            with contextlib.suppress(Exception):
                self.chan.exit(status)
        self.hub.log(f"{self.who}: session ended (status {status}, {time.monotonic() - self.started_at:.0f} s)")

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        self.hang_up()

    def hang_up(self) -> None:
        """End the app (if any) in the background; the hub waits for it on shutdown."""
        self.hub.sessions.discard(self)
        child, self.child = self.child, None
        if child is not None:
            self.hub.track(asyncio.get_running_loop().create_task(child.terminate()))
        if self.open and self.chan is not None:
            self.open = False
            with contextlib.suppress(Exception):
                self.chan.close()


def _clamp(cols: int, rows: int) -> tuple[int, int]:
    return max(1, min(cols or 80, MAX_COLS)), max(1, min(rows or 24, MAX_ROWS))


async def start_server(settings: SSHSettings, hub: Hub, key: asyncssh.SSHKey) -> asyncssh.SSHAcceptor:
    authorized = asyncssh.read_authorized_keys(str(settings.authorized_keys)) if settings.authorized_keys else None
    return await asyncssh.create_server(
        lambda: Connection(hub),
        settings.host,
        settings.port,
        server_host_keys=[key],
        authorized_client_keys=authorized,
        encoding=None,
        line_editor=False,
        allow_pty=True,
        allow_scp=False,
        sftp_factory=None,
        agent_forwarding=False,
        x11_forwarding=False,
        login_timeout=settings.login_timeout,
        keepalive_interval=settings.keepalive_interval,
        keepalive_count_max=3,
        reuse_address=True,
    )


def describe(
    settings: SSHSettings, port: int, key: asyncssh.SSHKey, path: Path, made: bool, log: Callable[[str], None]
) -> None:
    log(f"SSH on {settings.host}:{port}; connect with: ssh -p {port} {settings.host}")
    log(f"host key {key.get_fingerprint()} ({'new, ' if made else ''}kept in {path})")
    if settings.authorized_keys is None:
        log(
            f"no --authorized-keys given: ANY client that can reach {settings.host}:{port} may connect "
            "(read-only, no password or key asked)"
        )
    else:
        log(f"only the public keys in {settings.authorized_keys} may connect")
    log(f"at most {settings.max_sessions} sessions at once; Ctrl+C stops the server")


async def serve_forever(settings: SSHSettings, log: Callable[[str], None] = _log) -> int:
    hub = Hub(settings, log)
    key, path, made = load_or_create_host_key(settings.host_key)
    server = await start_server(settings, hub, key)
    sockets = server.sockets
    port = sockets[0].getsockname()[1] if sockets else settings.port
    describe(settings, port, key, path, made, log)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        log("stopping: ending all sessions")
        server.close()
        await hub.close_all()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 2)
    return 0


def run_ssh_server(settings: SSHSettings) -> int:
    return asyncio.run(serve_forever(settings))


def app_argv(args: Sequence[str]) -> tuple[str, ...]:
    """The command each session runs: this Python, the child entry, then reviewtui's own arguments."""
    return (sys.executable, "-m", "reviewtui.serve.child", *args)
