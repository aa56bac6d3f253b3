"""The architecture's rules, checked on the source of `reviewtui/`: no import cycles (imports
inside functions count), no module over 400 lines, no imports hidden in strings, no private names
taken across modules, no private APIs of other packages. Each check is first run on a small
synthetic package that breaks its rule, so a check that stopped seeing anything would fail."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from tests.architecture.imports import (
    find_cycles,
    foreign_private_apis,
    hidden_imports,
    import_graph,
    line_counts,
    modules_of,
    private_imports,
)

PACKAGE = Path(__file__).resolve().parents[2] / "reviewtui"
MAX_LINES = 400


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text))
    return root / next(iter(files)).split("/")[0]


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    """`pkg`, which breaks every rule once, beside imports that break none."""
    return _write(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.base import VALUE\n",
            "pkg/base.py": "VALUE = 1\n_hidden = 2\n__version__ = '1'\n\n\ndef _own() -> None:\n    _own()\n",
            # a -> b at the top, b -> a inside a function: a cycle
            "pkg/a.py": "from pkg import b\n",
            "pkg/b.py": """\
                from typing import TYPE_CHECKING

                if TYPE_CHECKING:
                    from pkg.c import C  # never runs: no edge b -> c


                def late() -> None:
                    from . import a
                """,
            # c -> d -> e -> c through relative imports, one of them two levels up
            "pkg/c.py": "from .sub import d\nclass C: ...\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/d.py": "from .e import thing\n",
            "pkg/sub/e.py": "from ..c import C as thing\nfrom pkg.base import __version__\n",
            "pkg/private.py": """\
                from pkg.base import _hidden
                from .base import _hidden as again
                import pkg.base as base
                from pkg import base as base2

                print(base._hidden, base2._hidden, base.VALUE, _hidden, again)
                """,
            "pkg/hidden.py": """\
                import importlib
                import sys
                from importlib import import_module

                importlib.import_module("pkg.a")
                import_module(".b", "pkg")
                __import__("pkg.c")
                name = "pkg." + "d"
                import_module(name)
                sys.modules.get("pkg.sub")
                sys.modules["pkg.a"]
                print("pkg.b" in sys.modules)
                importlib.import_module("json")  # not ours: fine
                print("json" in sys.modules, sys.modules.get("yaml"))
                """,
            "pkg/foreign.py": """\
                from __future__ import annotations
                import _thread
                import atexit
                import os
                from _sha1 import sha1
                from dataclasses import _FIELDS

                print(_thread._count(), atexit._ncallbacks(), getattr(atexit, "_clear"), sha1, _FIELDS)
                os._exit(0)  # documented: fine
                """,
            "pkg/long.py": "x = 1\n" * (MAX_LINES + 1),
        },
    )


def test_cycle_check_finds_cycles_through_late_and_relative_imports(synthetic: Path) -> None:
    cycles = find_cycles(import_graph(modules_of(synthetic)))
    assert [cycle.knot for cycle in cycles] == [("pkg.a", "pkg.b"), ("pkg.c", "pkg.sub.d", "pkg.sub.e")]
    shown = str(cycles[0])
    assert "pkg.a -> pkg.b -> pkg.a" in shown
    assert "pkg.b:8 imports pkg.a" in shown  # the import inside the function, by line


def test_cycle_check_skips_type_checking_imports(synthetic: Path) -> None:
    edges = import_graph(modules_of(synthetic))
    assert ("pkg.b", "pkg.c") not in {(edge.importer, edge.imported) for edge in edges}
    assert ("pkg", "pkg.base") in {(edge.importer, edge.imported) for edge in edges}


def test_line_count_is_wc_l(synthetic: Path) -> None:
    counts = line_counts(modules_of(synthetic))
    assert counts["pkg.long"] == MAX_LINES + 1
    (synthetic / "no_newline.py").write_text("a = 1\nb = 2")
    assert line_counts(modules_of(synthetic))["pkg.no_newline"] == 1


def test_hidden_import_check_finds_strings_naming_our_modules(synthetic: Path) -> None:
    found = [str(f) for f in hidden_imports(modules_of(synthetic), "pkg")]
    assert found == [
        "pkg.hidden:5: import_module() of 'pkg.a'",
        "pkg.hidden:6: import_module() of '.b'",
        "pkg.hidden:7: __import__() of 'pkg.c'",
        "pkg.hidden:9: import_module() of name",
        "pkg.hidden:10: sys.modules.get('pkg.sub')",
        "pkg.hidden:11: sys.modules['pkg.a']",
        "pkg.hidden:12: 'pkg.b' in sys.modules",
    ]


def test_private_import_check_finds_names_taken_across_modules(synthetic: Path) -> None:
    found = [str(f) for f in private_imports(modules_of(synthetic))]
    assert found == [
        "pkg.private:1: imports private pkg.base._hidden",
        "pkg.private:2: imports private pkg.base._hidden",
        "pkg.private:6: reads private pkg.base._hidden",
        "pkg.private:6: reads private pkg.base._hidden",
    ]


def test_foreign_private_api_check_finds_them(synthetic: Path) -> None:
    found = [str(f) for f in foreign_private_apis(modules_of(synthetic), "pkg")]
    assert found == [
        "pkg.foreign:2: imports private module _thread",
        "pkg.foreign:5: imports from private module _sha1",
        "pkg.foreign:6: imports private dataclasses._FIELDS",
        "pkg.foreign:8: reads private _thread._count",
        "pkg.foreign:8: reads private atexit._clear",
        "pkg.foreign:8: reads private atexit._ncallbacks",
    ]


def _report(title: str, items: list[str]) -> str:
    return f"{title}:\n" + "\n".join(f"  {item}" for item in items)


def test_no_import_cycles() -> None:
    cycles = find_cycles(import_graph(modules_of(PACKAGE)))
    assert not cycles, _report("import cycles (imports inside functions count)", [str(c) for c in cycles])


def test_no_module_over_400_lines() -> None:
    counts = line_counts(modules_of(PACKAGE))
    long = [f"{name}: {count}" for name, count in sorted(counts.items()) if count > MAX_LINES]
    assert not long, _report(f"modules over {MAX_LINES} lines (wc -l)", long)


def test_no_imports_hidden_in_strings() -> None:
    found = hidden_imports(modules_of(PACKAGE), "reviewtui")
    assert not found, _report("imports of our modules the import graph cannot see", [str(f) for f in found])


def test_no_private_names_across_modules() -> None:
    found = private_imports(modules_of(PACKAGE))
    assert not found, _report("private names used outside their module", [str(f) for f in found])


def test_no_private_apis_of_other_packages() -> None:
    found = foreign_private_apis(modules_of(PACKAGE), "reviewtui")
    assert not found, _report("private APIs of the standard library or a dependency", [str(f) for f in found])
