"""`reviewtui cache clear|path`: the persistent index in the user cache folder."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from reviewtui.core.store import cache
from reviewtui.core.text import clean


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewtui cache", description="Manage the index cache kept in the user cache folder."
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="{clear,path}")
    actions.add_parser("clear", help="remove every cached index (they are rebuilt when needed)")
    actions.add_parser("path", help="print the folder the cached indexes are kept in")
    return parser


def run(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    if args.action == "path":
        print(cache.index_dir())
        return 0
    removed = cache.clear()
    files = [p for p in removed if p.suffix == ".sqlite3"]
    print(f"Removed {len(files)} cached index{'es' * (len(files) != 1)} from {clean(str(cache.index_dir()))}.")
    return 0
