"""One program running in its own pseudo-terminal, relayed byte for byte from an asyncio loop.

Used by the SSH server: each visitor's app gets a PTY whose size follows the visitor's
window. The program runs in a new session and process group, so ending it (and anything
it started) is one `killpg`, and it is always reaped.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pty
import signal
import struct
import termios
from collections.abc import Callable, Mapping, Sequence

# How long a hung-up program gets to exit before it is killed.
HANGUP_GRACE = 2.0
_READ_SIZE = 65536


def set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class PtyChild:
    """A child process on a PTY; output goes to `on_output`, `on_exit` gets the exit status."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cols: int,
        rows: int,
        on_output: Callable[[bytes], None],
        on_exit: Callable[[int], None],
        cwd: str | None = None,
    ) -> None:
        self.argv = list(argv)
        self.env = dict(env)
        self.cols, self.rows = cols, rows
        self.cwd = cwd
        self._on_output = on_output
        self._on_exit = on_exit
        self._master = -1
        self._process: asyncio.subprocess.Process | None = None
        self._pending = bytearray()  # input not yet accepted by the PTY
        self._reading = False
        self._paused = False
        self._output_done = asyncio.Event()
        self._finished: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    async def start(self) -> None:
        master, slave = pty.openpty()
        try:
            set_size(slave, self.cols, self.rows)
            self._process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,  # own session and process group: one killpg ends it all
                close_fds=True,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        os.set_blocking(master, False)
        self._master = master
        self._start_reading()
        self._finished = asyncio.get_running_loop().create_task(self._wait())

    # ------------------------------------------------------------------ output

    def _start_reading(self) -> None:
        if not self._reading and not self._paused and self._master >= 0 and not self._output_done.is_set():
            asyncio.get_running_loop().add_reader(self._master, self._readable)
            self._reading = True

    def _stop_reading(self) -> None:
        if self._reading:
            asyncio.get_running_loop().remove_reader(self._master)
            self._reading = False

    def _readable(self) -> None:
        try:
            data = os.read(self._master, _READ_SIZE)
        except BlockingIOError:
            return
        except OSError:  # EIO: every holder of the PTY's other side has closed it
            data = b""
        if data:
            self._on_output(data)
            return
        self._stop_reading()
        self._output_done.set()

    def pause_output(self) -> None:
        """Stop reading (the receiver is full); the program then blocks on its writes."""
        self._paused = True
        self._stop_reading()

    def resume_output(self) -> None:
        self._paused = False
        self._start_reading()

    # ------------------------------------------------------------------ input

    def write(self, data: bytes) -> None:
        if self._master < 0 or not data:
            return
        flushing = bool(self._pending)
        self._pending += data
        if not flushing:
            self._flush()

    def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            written = os.write(self._master, self._pending)
        except BlockingIOError:
            written = 0
        except OSError:
            self._pending.clear()
            loop.remove_writer(self._master)
            return
        del self._pending[:written]
        if self._pending:
            loop.add_writer(self._master, self._flush)
        else:
            loop.remove_writer(self._master)

    def resize(self, cols: int, rows: int) -> None:
        """Set the PTY's size; the kernel sends SIGWINCH to the program (its controlling terminal)."""
        self.cols, self.rows = cols, rows
        if self._master >= 0:
            with contextlib.suppress(OSError):
                set_size(self._master, cols, rows)
            self._signal(signal.SIGWINCH)

    # ------------------------------------------------------------------ ending

    def _signal(self, signum: int) -> None:
        process = self._process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signum)

    async def _wait(self) -> None:
        assert self._process is not None
        status = await self._process.wait()
        # Whatever the program wrote before exiting is still in the PTY: pass it on.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._output_done.wait(), 1.0)
        self._kill_group()
        self._close()
        self._on_exit(status if status >= 0 else 128 - status)

    def _kill_group(self) -> None:
        process = self._process
        if process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)

    def _close(self) -> None:
        if self._master >= 0:
            loop = asyncio.get_running_loop()
            self._stop_reading()
            loop.remove_writer(self._master)
            os.close(self._master)
            self._master = -1
        self._output_done.set()

    async def terminate(self) -> None:
        """Hang up: SIGHUP to the whole group, SIGKILL after a grace period, then reap."""
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            self._signal(signal.SIGHUP)
            self._signal(signal.SIGCONT)
            try:
                await asyncio.wait_for(asyncio.shield(process.wait()), HANGUP_GRACE)
            except TimeoutError:
                self._kill_group()
        await process.wait()
        self._kill_group()  # anything the program left running in its group
        self._close()
        if self._finished is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._finished
