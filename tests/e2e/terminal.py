"""A program in a pseudo-terminal whose output is read by a terminal emulator (pyte).

Used by the end-to-end tests (ssh, tmux) and by benchmarks/ssh_bytes.py: start a program
(often `ssh ...`) at a given size, type into it, read what it shows, and count the bytes
it writes, as a user's terminal would receive them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence

import pyte


class ScreenTimeout(AssertionError):
    """What was awaited never appeared; the message holds the screen as it was."""


class Terminal:
    """`argv` running on a PTY of `cols` x `rows`, its output fed to a pyte screen."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cols: int = 80,
        rows: int = 24,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        self.argv = list(argv)
        self.screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self.screen)
        self._lock = threading.RLock()  # checks passed to wait_until may read the screen too
        self._changed = threading.Condition(self._lock)
        self.received = 0  # bytes written by the program so far
        self.last_output = time.monotonic()
        self.raw = bytearray()  # everything received, for byte-level checks
        master, slave = pty.openpty()
        _set_size(slave, cols, rows)
        try:
            self.process = subprocess.Popen(
                self.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=dict(env) if env is not None else None,
                cwd=cwd,
                start_new_session=True,
                close_fds=True,
            )
        finally:
            os.close(slave)
        self._master = master
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    # ------------------------------------------------------------ output

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:
                data = b""
            with self._changed:
                if not data:
                    self.eof = True
                    self._changed.notify_all()
                    return
                self.received += len(data)
                self.raw += data
                self.last_output = time.monotonic()
                with contextlib.suppress(Exception):  # a sequence pyte cannot parse must not stop the reader
                    self._stream.feed(data)
                self._changed.notify_all()

    eof = False

    def text(self) -> str:
        with self._lock:
            return "\n".join(line.rstrip() for line in self.screen.display)

    def line(self, y: int) -> str:
        with self._lock:
            return self.screen.display[y].rstrip()

    def wait_until(self, check: Callable[[str], bool], timeout: float = 20.0, what: str = "condition") -> str:
        """Wait until `check(screen text)` holds; returns the screen text."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                text = "\n".join(line.rstrip() for line in self.screen.display)
                if check(text):
                    return text
                left = deadline - time.monotonic()
                if left <= 0 or (self.eof and not check(text)):
                    tail = bytes(self.raw[-300:])
                    raise ScreenTimeout(f"{what} not seen in {timeout:.0f} s; screen:\n{text}\nlast bytes: {tail!r}")
                self._changed.wait(min(left, 0.2))

    def wait_for(self, *needles: str, timeout: float = 20.0) -> str:
        """Wait until every one of `needles` is on the screen."""
        return self.wait_until(lambda t: all(n in t for n in needles), timeout, f"{needles!r}")

    def wait_quiet(self, quiet: float = 0.5, timeout: float = 15.0) -> None:
        """Wait until the program has written nothing for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                idle = time.monotonic() - self.last_output
            if idle >= quiet:
                return
            time.sleep(min(quiet - idle, 0.1) + 0.01)
        raise ScreenTimeout(f"output never went quiet for {quiet} s within {timeout} s")

    # ------------------------------------------------------------ input

    def send(self, data: str | bytes) -> None:
        raw = data.encode() if isinstance(data, str) else data
        while raw:
            written = os.write(self._master, raw)
            raw = raw[written:]

    def type(self, text: str, delay: float = 0.08) -> None:
        for char in text:
            self.send(char)
            time.sleep(delay)

    def resize(self, cols: int, rows: int) -> None:
        """Change the window size, as a terminal emulator does (the program gets SIGWINCH)."""
        with self._lock:
            self.screen.resize(rows, cols)
        _set_size(self._master, cols, rows)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGWINCH)

    # ------------------------------------------------------------ ending

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self, sig: int = signal.SIGHUP) -> int:
        """End the program (and its process group), as closing the terminal window does."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self._reader.join(5)  # the PTY reports EOF once no process holds its other side
        if not self._reader.is_alive():
            with contextlib.suppress(OSError):
                os.close(self._master)
        return self.process.returncode

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
