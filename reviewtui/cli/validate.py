"""`reviewtui validate [PATH] [--json] [--strict]`: every problem of every file; exit 1 on an error."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reviewtui.cli.common import collection_root, dump_json, load
from reviewtui.core.text import clean

if TYPE_CHECKING:
    from reviewtui.core.catalog import Catalog


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewtui validate", description="Check every review file under PATH against the format."
    )
    parser.add_argument("path", nargs="?", help="root folder (default: the bundled demo content)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index cache (parse every file again)")
    return parser


def run(argv: Sequence[str]) -> int:
    args = parser().parse_intermixed_args(argv)
    catalog = load(collection_root(args.path), rebuild=args.rebuild).catalog
    failed = bool(catalog.errors) or (args.strict and bool(catalog.warnings))
    if args.json:
        print(
            dump_json(
                {
                    "files": catalog.files,
                    "indexed": len(catalog.reviews),
                    "reviews": [r.path for r in catalog.reviews],
                    "problems": [p.as_dict() for p in catalog.problems],
                }
            )
        )
    else:
        print_report(catalog)
    return 1 if failed else 0


def print_report(catalog: Catalog) -> None:
    for problem in catalog.problems:
        where = clean(problem.path) + (f":{problem.line}" if problem.line else "")
        print(f"{where}: {problem.severity}: {clean(problem.message)}")
    errors, warnings = len(catalog.errors), len(catalog.warnings)
    dropped = len({p.path for p in catalog.errors})
    print(
        f"{catalog.files} files, {len(catalog.reviews)} reviews indexed, "
        f"{errors} error{'s' * (errors != 1)} ({dropped} file{'s' * (dropped != 1)} dropped), "
        f"{warnings} warning{'s' * (warnings != 1)}."
    )
