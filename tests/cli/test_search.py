"""`reviewtui search` options, `--batch`, `--rebuild` and `reviewtui cache`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewtui.cli import main
from reviewtui.core.store.cache import db_path
from tests.conftest import CONTENT


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sort_lang_and_every_match(capsys: pytest.CaptureFixture[str]) -> None:
    options = ("--sort", "price", "--asc", "--limit", "0", "--json")
    code, out, _ = run(capsys, "search", "tag:headphones", "lang:en", *options)
    assert code == 0
    rows = json.loads(out)
    prices = [r["price"] for r in rows if r["price"] is not None]
    assert prices == sorted(prices) and len(rows) > 10
    assert all("Headphones" in r["tags"] for r in rows)
    _, out, _ = run(capsys, "search", "hd600", "--lang", "ja", "--json", "--limit", "1")
    assert json.loads(out)[0]["lang"] == "ja"
    _, out, _ = run(capsys, "search", "--desc", "--sort", "overall", "--json", "type:product")
    overall = [r["rating"][0] for r in json.loads(out)]
    assert overall == sorted(overall, reverse=True)


def test_explain_in_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "sennhieser", "hd600", "--explain", "--limit", "1")
    assert code == 0 and "typo" in out and "total" in out
    _, out, _ = run(capsys, "search", "sennhieser hd600", "--explain", "--limit", "1", "--json")
    row = json.loads(out)[0]
    assert row["path"].endswith("sennheiser-hd-600.md") and row["explain"] and row["score"] > 0


def test_batch_writes_one_array_per_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("wh1000xm5\n\nprice<abc\nsennheiser hd600\nzqxjv\n", encoding="utf-8")
    code, out, err = run(capsys, "search", "--batch", str(queries), "--json", "--limit", "2", "--root", str(CONTENT))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 5
    arrays = [json.loads(line) for line in lines]
    assert arrays[0][0]["target_name"] == "Sony WH-1000XM5"
    assert arrays[1] == [] and arrays[2] == [] and arrays[4] == []
    assert arrays[3][0]["target_name"] == "Sennheiser HD 600" and len(arrays[3]) == 2
    assert "line 2: the query is empty." in err and "line 3:" in err and "not a number" in err


def test_batch_from_stdin_and_usage_errors(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("ldac\n"))
    code, out, _ = run(capsys, "search", "--batch", "-", "--json")
    assert code == 0 and len(out.splitlines()) == 1 and json.loads(out)
    assert run(capsys, "search", "x", "--batch", "-")[0] == 2
    assert run(capsys, "search", "--batch", "/no/such/file")[0] == 2
    assert run(capsys, "search", "x", "--sort", "nonsense")[0] == 2


def test_rebuild_and_cache_clear(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "search", "sony")
    assert db_path(CONTENT).exists()
    code, out, err = run(capsys, "search", "sony", "--rebuild", "--json")
    assert code == 0 and json.loads(out) and "reviewtui:" not in err
    code, out, _ = run(capsys, "cache", "path")
    assert code == 0 and Path(out.strip()) == db_path(CONTENT).parent
    code, out, _ = run(capsys, "cache", "clear")
    assert code == 0 and out.startswith("Removed 1 cached index ") and not db_path(CONTENT).exists()
    assert run(capsys, "cache")[0] == 2
