"""Headless Chromium driven over the DevTools protocol (CDP), to check the served web app.

The page textual-serve sends draws the app with xterm.js on a canvas, so the DOM holds no
text. Instead this records the websocket frames the page receives (the app's terminal
output) and replays them into a pyte screen: that is exactly what xterm.js draws. A
screenshot then shows the canvas is not blank.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import struct
import subprocess
import time
import zlib
from pathlib import Path
from typing import Any

import aiohttp
import pyte


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """One headless Chromium with one page, and the terminal the page shows (as pyte sees it)."""

    def __init__(self, profile: Path, width: int = 1200, height: int = 800) -> None:
        self.profile = profile
        self.width, self.height = width, height
        self.process: subprocess.Popen[bytes] | None = None
        self.session: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._pump: asyncio.Task[None] | None = None
        self.events: list[dict[str, Any]] = []
        self.screen: pyte.Screen | None = None
        self._stream: pyte.ByteStream | None = None
        self.frames_in = 0
        self.bytes_in = 0
        self.sent: list[str] = []  # text frames the page sent (stdin, resize, ...)
        self.changed = asyncio.Event()

    async def start(self) -> None:
        executable = chromium_path()
        assert executable, "no chromium"
        self.profile.mkdir(parents=True, exist_ok=True)
        log = (self.profile / "chromium.log").open("wb")
        self.process = subprocess.Popen(
            [
                executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-dev-shm-usage",
                # Only the server under test is reachable: the page's web-font link fails at once.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                f"--user-data-dir={self.profile}",
                f"--window-size={self.width},{self.height}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("chromium did not start: " + (self.profile / "chromium.log").read_text()[-2000:])
            await asyncio.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        self.session = aiohttp.ClientSession()
        page_ws = None
        while page_ws is None:
            async with self.session.get(f"http://127.0.0.1:{port}/json/list") as response:
                targets = await response.json()
            page_ws = next((t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page"), None)
            if page_ws is None:
                if time.monotonic() > deadline:
                    raise RuntimeError("chromium has no page")
                await asyncio.sleep(0.1)
        self.ws = await self.session.ws_connect(page_ws, max_msg_size=0)
        self._pump = asyncio.get_running_loop().create_task(self._read())
        await self.call("Network.enable")
        await self.call("Page.enable")
        await self.call("Runtime.enable")

    async def _read(self) -> None:
        assert self.ws is not None
        async for message in self.ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            if "id" in data:
                future = self._waiting.pop(data["id"], None)
                if future is not None and not future.done():
                    future.set_result(data)
                continue
            self.events.append(data)
            self._on_event(data)

    def _on_event(self, event: dict[str, Any]) -> None:
        method = event.get("method")
        params = event.get("params", {})
        if method == "Network.webSocketFrameSent":
            payload = params["response"]["payloadData"]
            self.sent.append(payload)
            with contextlib.suppress(ValueError, TypeError, KeyError):
                kind, value = json.loads(payload)[:2]
                if kind == "resize":
                    self._resize(int(value["width"]), int(value["height"]))
        elif method == "Network.webSocketFrameReceived":
            response = params["response"]
            if response.get("opcode") == 2:  # binary: the app's terminal output
                data = base64.b64decode(response["payloadData"])
                self.frames_in += 1
                self.bytes_in += len(data)
                if self._stream is None:
                    self._resize(80, 24)
                assert self._stream is not None
                with contextlib.suppress(Exception):
                    self._stream.feed(data)
                self.changed.set()

    def _resize(self, cols: int, rows: int) -> None:
        if self.screen is None:
            self.screen = pyte.Screen(cols, rows)
            self._stream = pyte.ByteStream(self.screen)
        else:
            self.screen.resize(rows, cols)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        assert self.ws is not None
        ident = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[ident] = future
        await self.ws.send_str(json.dumps({"id": ident, "method": method, "params": params}))
        reply = await asyncio.wait_for(future, 30)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    async def evaluate(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def text(self) -> str:
        if self.screen is None:
            return ""
        return "\n".join(line.rstrip() for line in self.screen.display)

    async def wait_for_text(self, *needles: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            if all(n in text for n in needles):
                return text
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{needles!r} not shown in the browser within {timeout} s; terminal:\n{text}")
            self.changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.changed.wait(), min(left, 0.5))

    async def type(self, text: str, delay: float = 0.08) -> None:
        """Type as a user would: key events into the focused xterm.js textarea."""
        for char in text:
            await self.call("Input.dispatchKeyEvent", type="keyDown", text=char, key=char, unmodifiedText=char)
            await self.call("Input.dispatchKeyEvent", type="keyUp", key=char)
            await asyncio.sleep(delay)

    async def press_enter(self) -> None:
        for kind in ("keyDown", "keyUp"):
            await self.call(
                "Input.dispatchKeyEvent",
                type=kind,
                key="Enter",
                code="Enter",
                windowsVirtualKeyCode=13,
                nativeVirtualKeyCode=13,
                **({"text": "\r"} if kind == "keyDown" else {}),
            )

    async def screenshot(self, scale: float = 0.5) -> bytes:
        clip = {"x": 0, "y": 0, "width": self.width, "height": self.height, "scale": scale}
        result = await self.call("Page.captureScreenshot", format="png", clip=clip)
        return base64.b64decode(result["data"])

    async def close(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
        if self.ws is not None:
            await self.ws.close()
        if self.session is not None:
            await self.session.close()
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


# ------------------------------------------------------------------------------ PNG


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA PNG (what Chromium writes) into rows of pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, bytearray(), b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and color in (2, 6), f"unexpected PNG format {depth=} {color=}"
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(bytes(idat))
    stride = width * bpp
    rows: list[bytes] = []
    previous = bytearray(stride)
    pos = 0
    for _ in range(height):
        kind, line = raw[pos], bytearray(raw[pos + 1 : pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + predictor) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def png_colours(data: bytes, step: int = 4) -> int:
    """How many distinct colours a PNG holds (sampling every `step`-th pixel of every `step`-th row)."""
    width, height, rows = png_pixels(data)
    bpp = len(rows[0]) // width
    seen = set()
    for row in rows[::step]:
        for x in range(0, width, step):
            seen.add(row[x * bpp : x * bpp + 3])
    return len(seen)
