"""The SSH server's host key: made once, then kept (mode 0600) in the user data folder.

Keeping it means clients that trusted the server once are not warned of a changed key
every time it restarts.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import asyncssh

from reviewtui.core.paths import data_dir

HOST_KEY_NAME = "ssh_host_ed25519_key"


def host_key_path() -> Path:
    return data_dir() / HOST_KEY_NAME


def load_or_create_host_key(path: Path | None = None) -> tuple[asyncssh.SSHKey, Path, bool]:
    """The host key at `path` (default: `host_key_path()`), created there if missing.

    Returns the key, where it is kept, and whether it was just made.
    """
    path = path or host_key_path()
    if path.exists():
        return asyncssh.read_private_key(path), path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="reviewtui serve --ssh")
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(key.export_private_key())
        try:
            os.link(temp, path)  # fails if another server made one meanwhile: keep theirs
        except FileExistsError:
            return asyncssh.read_private_key(path), path, False
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return key, path, True
