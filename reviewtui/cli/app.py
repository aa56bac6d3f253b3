"""`reviewtui [PATH]`: the browser."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from reviewtui import __version__
from reviewtui.cli.common import SUBCOMMANDS, collection_root


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewtui",
        description="Browse a collection of Markdown product reviews. "
        f"Subcommands: {', '.join(SUBCOMMANDS)} (`reviewtui <command> --help`).",
    )
    parser.add_argument("path", nargs="?", help="root folder (default: the bundled demo content)")
    parser.add_argument("--lang", choices=("en", "ja"), help="preferred language for en/ja twins")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index cache (parse every file again)")
    parser.add_argument("--version", action="version", version=f"reviewtui {__version__}")
    return parser


def run(argv: Sequence[str]) -> int:
    args = parser().parse_intermixed_args(argv)
    root = collection_root(args.path)
    if args.rebuild:
        from reviewtui.core.store.cache import forget  # the cache and Textual load only once the arguments are good

        forget(root)
    from reviewtui.ui.app import run as run_app

    return run_app(root, lang=args.lang)
