"""`reviewtui serve [--ssh] [PATH]`: the arguments; the servers in `reviewtui.serve` load only once they are good."""

from __future__ import annotations

import argparse
import ipaddress
from collections.abc import Sequence
from pathlib import Path

from reviewtui.cli.common import collection_root, notice

DEFAULT_WEB_PORT = 8000
DEFAULT_SSH_PORT = 2222
DEFAULT_MAX_SESSIONS = 8


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewtui serve",
        description="Offer the browser to others, read-only: in a web browser (default), or over SSH "
        "with --ssh, one app per visitor. Binds to 127.0.0.1 unless --host says otherwise.",
    )
    parser.add_argument("path", nargs="?", help="root folder (default: the bundled demo content)")
    parser.add_argument("--ssh", action="store_true", help="serve over SSH instead of the web")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=int,
        help=f"port to listen on; 0 picks a free one (default {DEFAULT_WEB_PORT}, or {DEFAULT_SSH_PORT} with --ssh)",
    )
    parser.add_argument("--lang", choices=("en", "ja"), help="preferred language for en/ja twins")
    ssh = parser.add_argument_group("SSH only")
    ssh.add_argument(
        "--authorized-keys",
        metavar="FILE",
        help="only clients holding one of these public keys (OpenSSH authorized_keys format) may "
        "connect; without it anyone who can reach the port may (and the server says so)",
    )
    ssh.add_argument(
        "--max-connections",
        type=int,
        default=None,
        metavar="N",
        help=f"most sessions at once; more are told to try later (default {DEFAULT_MAX_SESSIONS})",
    )
    web = parser.add_argument_group("web only")
    web.add_argument("--public-url", help="the URL browsers reach the server at, when behind a proxy")
    return parser


def _notice(message: str) -> None:
    notice(f"reviewtui serve: {message}")


def run(argv: Sequence[str]) -> int:
    usage = parser()
    args = usage.parse_intermixed_args(argv)
    if args.port is not None and not 0 <= args.port <= 65535:
        usage.error("--port must be between 0 and 65535")
    if not args.ssh and (args.authorized_keys or args.max_connections is not None):
        usage.error("--authorized-keys and --max-connections go with --ssh")
    if args.ssh and args.public_url:
        usage.error("--public-url is for the web server (without --ssh)")
    if args.max_connections is not None and args.max_connections < 1:
        usage.error("--max-connections must be 1 or more")

    root = collection_root(args.path).resolve()
    app_args = [str(root)] + (["--lang", args.lang] if args.lang else [])
    if not _is_loopback(args.host):
        _notice(f"listening on {args.host}: reachable from other machines, not just this one")

    if args.ssh:
        keys = Path(args.authorized_keys).expanduser() if args.authorized_keys else None
        if keys is not None and not keys.is_file():
            usage.error(f"--authorized-keys: {keys}: no such file")
        from reviewtui.serve.ssh_server import SSHSettings, app_argv, run_ssh_server

        settings = SSHSettings(
            argv=app_argv(app_args),
            host=args.host,
            port=DEFAULT_SSH_PORT if args.port is None else args.port,
            authorized_keys=keys,
            max_sessions=args.max_connections or DEFAULT_MAX_SESSIONS,
        )
        try:
            return run_ssh_server(settings)
        except (OSError, ValueError) as exc:
            _notice(f"could not serve SSH: {exc}")
            return 1

    from reviewtui.serve.web import run_web_server

    try:
        return run_web_server(
            app_args,
            host=args.host,
            port=DEFAULT_WEB_PORT if args.port is None else args.port,
            public_url=args.public_url,
        )
    except OSError as exc:
        _notice(f"could not serve the web page: {exc}")
        return 1


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
