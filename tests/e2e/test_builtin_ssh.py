"""`reviewtui serve --ssh` with the real OpenSSH client: one app per visitor, read-only, no leftovers."""

from __future__ import annotations

import re
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    ServeSSH,
    chromatic_colours,
    descendants,
    make_key,
    ssh_argv,
    start_serve_ssh,
    stop_serve,
    wait_for,
)
from tests.e2e.terminal import Terminal

pytestmark = pytest.mark.e2e

CLIENT_ENV = {"PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "LANG": "C.UTF-8"}


def apps(server: ServeSSH) -> list[int]:
    """The server's app processes (its direct children)."""
    return [pid for pid in descendants(server.process.pid) if _ppid(pid) == server.process.pid]


def _ppid(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def quit_and_wait(term: Terminal) -> int | None:
    term.send("\x11")  # ctrl+q
    deadline = time.monotonic() + 10
    while term.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    return term.process.poll()


def test_two_visitors_get_their_own_apps_and_a_dropped_one_leaves_nothing(serve_ssh: ServeSSH) -> None:
    log = serve_ssh.output()
    assert "ANY client" in log, "without --authorized-keys the server must say anyone may connect"
    assert "127.0.0.1" in log
    argv = ssh_argv(serve_ssh.port, None)
    with (
        Terminal(argv, cols=100, rows=30, env=CLIENT_ENV) as first,
        Terminal(argv, cols=90, rows=28, env=CLIENT_ENV) as second,
    ):
        first.wait_for("Audio-Technica", timeout=25)
        second.wait_for("Audio-Technica", timeout=25)
        assert len(apps(serve_ssh)) == 2, "one app process per connection"

        first.type("sundara")
        second.type("genelec")
        first.wait_for("HIFIMAN Sundara", "1 match", timeout=15)
        second.wait_for("Genelec 8030C", timeout=15)
        assert "Genelec 8030C" not in first.text(), "each visitor sees only their own search"
        assert "Sundara" not in second.text(), "each visitor sees only their own search"

        first_app = apps(serve_ssh)
        first.close(signal.SIGKILL)  # the link drops: no goodbye, the client is simply gone
        assert wait_for(lambda: len(apps(serve_ssh)) == 1, timeout=10), "the dropped visitor's app is still running"
        gone = [p for p in first_app if p not in apps(serve_ssh)]
        assert len(gone) == 1 and not Path(f"/proc/{gone[0]}").exists(), "the dropped app was not reaped"

        second.type("\r")  # the other visitor carries on undisturbed
        second.wait_for("Scientific Validity", timeout=15)
        assert quit_and_wait(second) == 0
    assert wait_for(lambda: descendants(serve_ssh.process.pid) == [], timeout=10), "processes left behind"
    assert "session ended" in serve_ssh.output()


def test_resizes_are_followed(serve_ssh: ServeSSH) -> None:
    with Terminal(ssh_argv(serve_ssh.port, None), cols=100, rows=30, env=CLIENT_ENV) as term:
        term.wait_for("Audio-Technica", timeout=25)
        for cols, rows in ((80, 24), (250, 70), (100, 30)):
            term.resize(cols, rows)
            term.wait_until(
                lambda text, last=rows - 1: "palette" in term.line(last) and "matches" in text,
                timeout=15,
                what=f"the footer on the last line at {cols}x{rows}",
            )
            widest = max(len(line) for line in term.text().splitlines())
            assert widest > cols - 5, f"the app does not use the width at {cols}x{rows}"
        assert quit_and_wait(term) == 0


def test_one_session_per_allowed_key_and_others_refused(tmp_path: Path) -> None:
    allowed, stranger = make_key(tmp_path / "allowed"), make_key(tmp_path / "stranger")
    keys = tmp_path / "authorized_keys"
    keys.write_text(allowed.public.read_text())
    server = start_serve_ssh(tmp_path, "--authorized-keys", str(keys))
    try:
        assert "only the public keys in" in server.output()
        refused = _run(ssh_argv(server.port, stranger, tty=False) + ["-o", "PreferredAuthentications=publickey"])
        assert refused.returncode == 255 and "Permission denied" in refused.stderr
        nobody = _run(ssh_argv(server.port, None, tty=False))
        assert nobody.returncode == 255 and "Permission denied" in nobody.stderr
        with Terminal(ssh_argv(server.port, allowed), cols=80, rows=24, env=CLIENT_ENV) as term:
            term.wait_for("Audio-Technica", timeout=25)
            assert quit_and_wait(term) == 0
    finally:
        stop_serve(server.process)


def test_nothing_but_the_app_is_offered(serve_ssh: ServeSSH) -> None:
    """No commands, no session without a terminal, no SFTP, no port forwarding."""
    command = _run(ssh_argv(serve_ssh.port, None, "cat /etc/passwd", tty=False))
    assert command.returncode == 1 and "only runs the review browser" in command.stderr
    assert "root:" not in command.stdout
    no_pty = _run(ssh_argv(serve_ssh.port, None, tty=False))
    assert no_pty.returncode == 1 and "needs a terminal" in no_pty.stderr
    sftp = _run(ssh_argv(serve_ssh.port, None, "-s", "sftp", tty=False))
    assert sftp.returncode != 0
    forward = _run(
        ssh_argv(serve_ssh.port, None, tty=False)[:-1]
        + ["-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9", "127.0.0.1"]
    )
    assert forward.returncode == 255, forward.stderr
    assert descendants(serve_ssh.process.pid) == []


def test_the_session_cap_turns_extra_visitors_away(tmp_path: Path) -> None:
    server = start_serve_ssh(tmp_path, "--max-connections", "1")
    try:
        argv = ssh_argv(server.port, None)
        with Terminal(argv, cols=80, rows=24, env=CLIENT_ENV) as first:
            first.wait_for("Audio-Technica", timeout=25)
            with Terminal(argv, cols=80, rows=24, env=CLIENT_ENV) as second:
                second.wait_for("busy", timeout=15)
                assert wait_for(lambda: not second.alive(), timeout=10)
                assert second.process.returncode == 1
            assert quit_and_wait(first) == 0
        # With the first visitor gone there is room again.
        with Terminal(argv, cols=80, rows=24, env=CLIENT_ENV) as third:
            third.wait_for("Audio-Technica", timeout=25)
            assert quit_and_wait(third) == 0
    finally:
        stop_serve(server.process)


def test_host_key_is_made_once_and_kept_in_the_data_folder(tmp_path: Path) -> None:
    server = start_serve_ssh(tmp_path)
    try:
        first = re.search(r"host key (SHA256:\S+) \(new, kept in (\S+)\)", server.output())
        assert first, server.output()
        path = Path(first.group(2))
        assert path == tmp_path / "data" / "reviewtui" / "ssh_host_ed25519_key"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        assert stop_serve(server.process) == 0
    (tmp_path / "serve.log").unlink()
    again = start_serve_ssh(tmp_path)
    try:
        assert f"host key {first.group(1)} (kept in" in again.output()
        scan = _run(["ssh-keyscan", "-t", "ed25519", "-p", str(again.port), "127.0.0.1"])
        fingerprint = _run(["ssh-keygen", "-lf", "-"], stdin=scan.stdout)
        assert first.group(1) in fingerprint.stdout
    finally:
        stop_serve(again.process)


def test_no_color_from_the_client_is_honoured(serve_ssh: ServeSSH) -> None:
    """NO_COLOR sent by the client (SetEnv) reaches the app: no chromatic colour on the wire."""
    plain = ssh_argv(serve_ssh.port, None)
    argv = plain[:1] + ["-o", "SetEnv=NO_COLOR=1"] + plain[1:]
    with Terminal(argv, cols=100, rows=30, env=CLIENT_ENV) as term:
        term.wait_for("Audio-Technica", timeout=25)
        term.type("sund")
        term.wait_for("HIFIMAN Sundara", timeout=15)
        found = chromatic_colours(bytes(term.raw))
        assert not found, f"colour codes despite NO_COLOR: {sorted(found)[:10]}"
        assert quit_and_wait(term) == 0


def _run(argv: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=30,
        env=CLIENT_ENV,
        stdin=None if stdin else subprocess.DEVNULL,
    )


def test_a_visitor_dropped_while_indexing_leaves_no_lock(sample: Path, tmp_path: Path) -> None:
    """Drop the first visitor while its app builds the index cache: the next visitor's app works, the cache is free."""
    import sqlite3

    server = start_serve_ssh(tmp_path, root=sample)
    try:
        argv = ssh_argv(server.port, None)
        with Terminal(argv, cols=100, rows=30, env=CLIENT_ENV) as first:
            assert wait_for(lambda: "session started" in server.output(), timeout=15)
            time.sleep(0.3)  # the app is starting and indexing
            first.close(signal.SIGKILL)
        assert wait_for(lambda: descendants(server.process.pid) == [], timeout=10), "the dropped app lives on"
        with Terminal(argv, cols=100, rows=30, env=CLIENT_ENV) as second:
            screen = second.wait_until(lambda text: re.search(r"\d+ match", text) is not None, 60, "the results")
            assert "in use by another process" not in screen
            assert quit_and_wait(second) == 0
        assert wait_for(lambda: descendants(server.process.pid) == [], timeout=10)
        caches = list((tmp_path / "cache").rglob("*.sqlite3"))
        for cache in caches:  # nobody holds a lock: a write transaction starts at once
            db = sqlite3.connect(cache, timeout=0)
            try:
                db.execute("BEGIN IMMEDIATE")
                db.execute("ROLLBACK")
            finally:
                db.close()
    finally:
        stop_serve(server.process)


@pytest.mark.parametrize("term", ["xterm-16color", "linux"])
def test_the_clients_terminal_type_reaches_the_app(serve_ssh: ServeSSH, term: str) -> None:
    """TERM comes from the client's pty request: a 16-colour terminal gets no 256-colour or RGB codes."""
    with Terminal(ssh_argv(serve_ssh.port, None), cols=80, rows=24, env={**CLIENT_ENV, "TERM": term}) as t:
        t.wait_for("Audio-Technica", "matches", timeout=25)
        assert re.search(rb"\x1b\[(?:[0-9]*;)*(?:3[0-7]|9[0-7])[;m]", bytes(t.raw)), "no 16-colour codes at all"
        assert not re.search(rb"[34]8;[25];", bytes(t.raw)), "256-colour or RGB codes sent to a 16-colour terminal"
        assert quit_and_wait(t) == 0
    assert f"TERM={term}" in serve_ssh.output()


def test_visitors_cannot_start_programs_and_links_are_copied_with_osc52(serve_ssh: ServeSSH) -> None:
    """Editor (e), pager (v) and open-page (o) keys start nothing on the host; the page URL is copied (OSC 52)."""
    with Terminal(ssh_argv(serve_ssh.port, None), cols=100, rows=30, env=CLIENT_ENV) as term:
        term.wait_for("Audio-Technica", timeout=25)
        term.type("sundara")
        term.wait_until(lambda text: "HIFIMAN Sundara" in text and "Audio-Technica" not in text, 15, "one result")
        term.send("\x1b")  # Esc: from the search box to the results
        time.sleep(0.3)
        (app,) = apps(serve_ssh)
        for key in "ev":
            term.send(key)
            time.sleep(0.5)
            assert descendants(app) == [], f"{key!r} started a program on the host"
        term.send("o")
        assert wait_for(lambda: b"\x1b]52;c;" in bytes(term.raw), timeout=10), "the URL was not copied with OSC 52"
        assert descendants(app) == [], "'o' started a program on the host"
        assert term.alive()
        assert quit_and_wait(term) == 0


def test_stopping_the_server_ends_every_session(tmp_path: Path) -> None:
    server = start_serve_ssh(tmp_path)
    try:
        with Terminal(ssh_argv(server.port, None), cols=80, rows=24, env=CLIENT_ENV) as term:
            term.wait_for("Audio-Technica", timeout=25)
            (app,) = apps(server)
            assert stop_serve(server.process) == 0  # SIGTERM, as a service manager would
            assert not Path(f"/proc/{app}").exists(), "the app outlived the server"
            assert wait_for(lambda: not term.alive(), timeout=10), "the client is still connected"
        assert "stopping: ending all sessions" in server.output()
    finally:
        stop_serve(server.process)
