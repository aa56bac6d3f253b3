"""Building small review files for tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from reviewtui.core.catalog import Catalog
from reviewtui.core.search.engine import SearchIndex
from reviewtui.core.services.library import Library, open_library

REPO = Path(__file__).resolve().parent.parent

EN_HEADINGS = (
    "Overview",
    "Scientific Validity",
    "Technology Level",
    "Cost-Performance",
    "Reliability & Support",
    "Rationality of Design Philosophy",
    "Advice",
    "References",
)

JA_HEADINGS = (
    "概要",
    "科学的有効性",
    "技術レベル",
    "コストパフォーマンス",
    "信頼性・サポート",
    "設計思想の合理性",
    "アドバイス",
    "参考情報",
)


def front(**fields: str) -> str:
    base = {
        "layout": "product",
        "title": '"Acme X-1 Product Review"',
        "target_name": '"Acme X-1"',
        "company_id": "acme",
        "lang": "en",
        "ref": "acme-x-1",
        "date": "2025-05-01",
        "rating": "[2.5, 0.5, 0.5, 0.5, 0.5, 0.5]",
        "price": "99",
        "summary": '"A test device."',
        "tags": "[Headphones, Test]",
        "permalink": "/products/en/acme-x-1/",
    }
    for key, value in fields.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in base.items()) + "---\n"


def body(scores: tuple[float, ...] = (0.5, 0.5, 0.5, 0.5, 0.5), headings: tuple[str, ...] = EN_HEADINGS) -> str:
    parts = []
    criteria = iter(scores)
    for index, heading in enumerate(headings):
        parts.append(f"## {heading}\n")
        if 1 <= index <= 5:
            parts.append(f"$$ \\Large \\text{{{next(criteria)}}} $$\n")
        if heading in ("References", "参考情報"):
            parts.append('[1] Acme, "Spec sheet," https://acme.example/x-1, accessed 2025-05-01\n')
        else:
            parts.append(f"Some words about {heading.lower()}.\n")
    return "\n" + "\n".join(parts)


def review(**fields: str) -> str:
    return front(**fields) + body()


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def run_killable(script: Path, what: str, timeout: float = 60) -> None:
    """Run a Python script in a child process killed after `timeout` seconds (a pattern that
    backtracks would hang the test run otherwise); it must end by printing `done`."""
    import pytest

    try:
        done = subprocess.run(
            [sys.executable, str(script)],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what} took over {timeout:.0f} s: a pattern backtracks")
    assert done.stdout.strip() == "done", done.stderr[-2000:]


def open_lib(
    root: Path, *, defer: bool = False, heads_first: bool = False, rebuild: bool = False, cache_file: Path | None = None
) -> Library:
    """`open_library` as the app (`heads_first`) or the CLI (`defer`: not finished yet) opens it;
    with neither, finished at once (the whole cache written before it returns)."""
    library = open_library(root, early=heads_first, rebuild=rebuild, cache_file=cache_file)
    if not defer and not heads_first:
        library.finish()
    return library


def index_of(source: Catalog | Library) -> SearchIndex:
    """A library's own index, or a fresh one over a plain catalog."""
    return source.index if isinstance(source, Library) else SearchIndex(source)
def _front_and_body(text: str) -> tuple[dict[str, object], str]:
    from reviewtui.core.format.yaml_front import ReviewLoader

    assert text.startswith("---\n")
    head, rest = text[4:].split("\n---\n", 1)
    loader = ReviewLoader(head)
    try:
        meta = loader.get_single_data()
    finally:
        loader.dispose()
    assert isinstance(meta, dict) and None not in meta.values()
    return meta, rest


def _toml_value(value: object, key: str, date_as: str) -> str:
    import json

    if key == "date" and isinstance(value, str):
        return date_as.format(value)  # a TOML date (or datetime), not a string
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item, "", date_as) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def as_toml(text: str, date_as: str = "{}") -> str:
    """A review with YAML front matter rewritten with TOML front matter (`+++`), one key a line as
    before (so every line number stays); `date_as` formats the date (`"{}T09:30:00+09:00"`)."""
    meta, rest = _front_and_body(text)
    lines = [f"{key} = {_toml_value(value, key, date_as)}" for key, value in meta.items()]
    return "+++\n" + "\n".join(lines) + "\n+++\n" + rest


def as_json(text: str) -> str:
    """A review with YAML front matter rewritten with JSON front matter (`{` ... `}`), one key a
    line as before (so every line number stays)."""
    import json

    meta, rest = _front_and_body(text)
    lines = [f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n" + rest
