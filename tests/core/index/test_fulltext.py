"""Body search of kana and kanji runs (the part of the full-text search SQLite does not split)."""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewtui.core.index import fulltext as module
from reviewtui.core.index.fulltext import _CJK, FullText

_KATAKANA_TO_HIRAGANA = {code + 0x60: code for code in range(0x3041, 0x3097)}


def _fulltext(texts: list[tuple[int, str]], db: sqlite3.Connection | None = None) -> FullText:
    return FullText(db or sqlite3.connect(":memory:"), threading.Lock(), lambda: texts)


def _expected(texts: list[tuple[int, str]], run: str) -> set[int]:
    """What `_find_cjk` must answer, the plain way: the bodies with a kana/kanji run holding `run`
    as written or in katakana (queries come folded: katakana as hiragana)."""
    variants = {run, run.translate({code: code + 0x60 for code in range(0x3041, 0x3097)})}
    return {rowid for rowid, text in texts if any(v in r for r in _CJK.findall(text) for v in variants)}


@pytest.fixture
def spill(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run goes to the temporary file, in pieces of a few bodies, read a few at a time."""
    monkeypatch.setattr(module, "MEMORY_LIMIT", 0)
    monkeypatch.setattr(module, "GATHER_LIMIT", 0)
    monkeypatch.setattr(module, "CHUNK", 24)
    monkeypatch.setattr(module, "GAP", 2)


def _corpus(seed: int, count: int = 300) -> list[tuple[int, str]]:
    """Bodies mixing Latin, hiragana, katakana, the prolonged sound mark and kanji; row ids are
    neither contiguous nor ascending, and some bodies are English only."""
    rng = random.Random(seed)
    letters = "あいうかきアイウカキーの周波数音低漢字"
    texts = []
    for n in range(count):
        words = []
        for _ in range(rng.randrange(0, 12)):
            if rng.random() < 0.3:
                words.append(rng.choice(("bass", "LDAC", "planar", "12 kHz", "\n\n## Sound\n")))
            else:
                words.append("".join(rng.choice(letters) for _ in range(rng.randrange(1, 9))))
        texts.append(((n * 7919) % 1009 + 1, " ".join(words)))
    rng.shuffle(texts)
    return texts


def _queries(texts: list[tuple[int, str]], seed: int) -> list[str]:
    """Single characters, slices of the bodies' runs (folded to hiragana, as queries come), runs
    found nowhere."""
    rng = random.Random(seed)
    runs = [r for _, text in texts for r in _CJK.findall(text)]
    queries = list("あアいかキーの周音字") + ["ぬ", "かかかかかかかかかか", "周波数音低"]
    for _ in range(150):
        run = rng.choice(runs)
        start = rng.randrange(len(run))
        queries.append(run[start : start + rng.randrange(1, 7)].translate(_KATAKANA_TO_HIRAGANA))
    return queries


def test_kana_and_kanji_body_search_matches_whole_characters_only() -> None:
    """The runs are kept as UTF-16 when written out: a match must start on a character, never
    between two bytes of one (U+3042 U+3044 holds the bytes of U+4430 one byte in)."""
    texts = [(1, "Intro あい and more"), (2, "English only"), (3, "䐰 stands alone"), (4, "カタカナ と ひらがな")]
    fulltext = _fulltext(texts)
    assert fulltext._find_cjk("䐰") == {3}
    assert fulltext._find_cjk("あい") == {1}
    assert fulltext._find_cjk("かたかな") == {4}  # hiragana finds katakana
    assert fulltext._find_cjk("かたかなと") == set()  # runs end at a space: nothing spans them


@pytest.mark.usefixtures("spill")
def test_whole_characters_only_from_the_temporary_file_too() -> None:
    texts = [(1, "Intro あい and more"), (2, "English only"), (3, "䐰 stands alone"), (4, "カタカナ と ひらがな")]
    fulltext = _fulltext(texts)
    assert fulltext._find_cjk("䐰") == {3}
    assert fulltext._find_cjk("あい") == {1}
    assert fulltext._find_cjk("かたかな") == {4}
    assert fulltext._cjk is not None and fulltext._cjk.file is not None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_runs_in_memory_and_in_a_temporary_file_find_the_same_bodies(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each query asked of fresh indexes (a whole scan), in memory and from the file in pieces of
    a few bodies; both answer as a plain search of every body does."""
    texts = _corpus(seed)
    queries = _queries(texts, seed)
    in_memory = _fulltext(texts)
    in_memory._cjk_bodies()
    assert in_memory._cjk is not None and in_memory._cjk.file is None
    monkeypatch.setattr(module, "MEMORY_LIMIT", 0)
    monkeypatch.setattr(module, "GATHER_LIMIT", 0)
    monkeypatch.setattr(module, "CHUNK", 40)
    spilled = _fulltext(texts)
    spilled._cjk_bodies()
    runs = spilled._cjk
    assert runs is not None and runs.file is not None and not runs.pieces
    assert len(runs.edges) > 20  # many pieces
    for query in queries:
        expected = _expected(texts, query)
        in_memory._runs.clear()
        spilled._runs.clear()
        assert in_memory._find_cjk(query) == expected, query
        assert spilled._find_cjk(query) == expected, query
    assert any(_expected(texts, q) for q in queries) and any(not _expected(texts, q) for q in queries)


@pytest.mark.parametrize("where", ["memory", "file"])
def test_typing_narrows_the_earlier_bodies_to_the_same_answers(where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run extending an earlier one (letter by letter, or a letter put in front) is looked for
    only in the bodies that held it; the answers are those of a whole scan. Pieces of a few
    bodies, in memory or in the file."""
    monkeypatch.setattr(module, "CHUNK", 40)
    if where == "file":
        monkeypatch.setattr(module, "MEMORY_LIMIT", 0)
        monkeypatch.setattr(module, "GATHER_LIMIT", 0)
        monkeypatch.setattr(module, "GAP", 3)
    texts = _corpus(7, 400)
    fulltext = _fulltext(texts)
    narrowed = 0
    for query in _queries(texts, 7)[:80]:
        for n in range(1, len(query) + 1):
            assert fulltext._find_cjk(query[:n]) == _expected(texts, query[:n]), query[:n]
        for n in range(len(query) - 1, -1, -1):  # then growing to the left: 数, 波数, 周波数
            assert fulltext._find_cjk(query[n:]) == _expected(texts, query[n:]), query[n:]
        narrowed += len(query) > 1
    assert narrowed > 20
    runs = fulltext._cjk
    assert runs is not None and len(runs.edges) > 20
    assert (runs.file is not None) == (where == "file")


@pytest.mark.usefixtures("spill")
def test_a_body_longer_than_a_piece_is_searched_across_the_chunk_size() -> None:
    """Pieces hold whole bodies, so no match spans two of them; a body bigger than `CHUNK` is a
    piece of its own, read whole, and a run crossing the `CHUNK` offset inside it is found."""
    long_run = "あ" * 11 + "周波数" + "い" * 30  # 周波数 at bytes 22-28, across CHUNK = 24
    texts = [(9, f"Start {long_run} end"), (5, "短い"), (2, "カ" * 40), (4, "ふつう の 周波数")]
    fulltext = _fulltext(texts)
    runs = fulltext._cjk_bodies()
    assert runs.file is not None
    assert [runs.edges[i + 1] - runs.edges[i] for i in range(len(runs.edges) - 1)] == [45, 44, 10]
    assert fulltext._find_cjk("周波数") == {9, 4}
    assert fulltext._find_cjk("周波数い") == {9}  # narrowed: a part of the long body read
    assert fulltext._find_cjk("あ周波数い") == {9}
    assert fulltext._find_cjk("かか") == {2}
    assert fulltext._find_cjk("い") == {9, 5}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text(alphabet="あアいイ漢字ー x\n", max_size=30), max_size=12),
    st.lists(st.text(alphabet="あいイ漢字ー", min_size=1, max_size=4), min_size=1, max_size=6),
    st.integers(min_value=1, max_value=40),
)
def test_any_bodies_and_queries_answer_alike_from_memory_and_file(
    bodies: list[str], queries: list[str], chunk: int
) -> None:
    texts = [(10 + 3 * n, body) for n, body in enumerate(bodies)]
    expected = [_expected(texts, q) for q in queries]
    in_memory = _fulltext(texts)
    assert [in_memory._find_cjk(q) for q in queries] == expected
    saved = module.MEMORY_LIMIT, module.GATHER_LIMIT, module.CHUNK, module.GAP
    module.MEMORY_LIMIT, module.GATHER_LIMIT, module.CHUNK, module.GAP = 0, 0, chunk, chunk // 4
    try:
        spilled = _fulltext(texts)
        assert [spilled._find_cjk(q) for q in queries] == expected
    finally:
        module.MEMORY_LIMIT, module.GATHER_LIMIT, module.CHUNK, module.GAP = saved


def test_runs_past_the_limits_go_to_the_file_and_come_back_when_few(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs up to `GATHER_LIMIT` stay in memory; past it, those gathered so far and the rest go to
    the file, and come back into memory when they end within `MEMORY_LIMIT`; found all alike."""
    monkeypatch.setattr(module, "CHUNK", 64)
    texts = _corpus(11, 200)
    queries = _queries(texts, 11)[:40]
    size = 2 * sum(len(r) + 1 for _, t in texts for r in _CJK.findall(t))
    files: list[object] = []
    made = FullText._spill_file
    monkeypatch.setattr(FullText, "_spill_file", lambda self: files.append(made(self)) or files[-1])
    pieces: list[list[str]] = []
    for gather, memory, where in [(size, size, "memory"), (size // 2, size, "back"), (size // 2, size - 2, "file")]:
        monkeypatch.setattr(module, "GATHER_LIMIT", gather)
        monkeypatch.setattr(module, "MEMORY_LIMIT", memory)
        files.clear()
        fulltext = _fulltext(texts)
        runs = fulltext._cjk_bodies()
        assert len(files) == (where != "memory"), where
        assert (runs.file is not None) == (where == "file"), where
        assert (bool(files) and all(getattr(f, "closed", False) for f in files)) == (where == "back"), where
        pieces.append(runs.pieces if runs.file is None else [runs.text(i)[0] for i in range(len(runs.edges) - 1)])
        for query in queries:
            assert fulltext._find_cjk(query) == _expected(texts, query), (where, query)
    assert pieces[0] == pieces[1] == pieces[2]
    assert len(pieces[0]) > 10


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to see where the file is")
@pytest.mark.usefixtures("spill")
def test_the_temporary_file_sits_beside_the_cache_and_has_no_name(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "cache.sqlite3", check_same_thread=False)
    fulltext = _fulltext([(1, "周波数")], db)
    runs = fulltext._cjk_bodies()
    assert runs.file is not None
    where = os.readlink(f"/proc/self/fd/{runs.file.fileno()}")
    assert Path(where.removesuffix(" (deleted)")).parent == tmp_path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.sqlite3"]
    file = runs.file
    fulltext._cjk = None
    del runs
    assert file.closed  # closed, so gone, with the runs


@pytest.mark.usefixtures("spill")
def test_the_cache_of_runs_keeps_a_bounded_number_of_bodies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "RUNS_CACHE_LIMIT", 50)
    texts = _corpus(5)
    fulltext = _fulltext(texts)
    for query in _queries(texts, 5):
        assert fulltext._find_cjk(query) == _expected(texts, query)
        held = sum(map(len, fulltext._runs.values()))
        assert held <= 50 or len(fulltext._runs) == 1
        assert len(fulltext._runs) <= 65


@pytest.mark.usefixtures("spill")
def test_body_searches_in_threads_share_the_file() -> None:
    """Searches run in worker threads: `match` holds the index's lock, so each reads the file
    alone and gets its own answer."""
    texts = _corpus(13)
    queries = _queries(texts, 13)
    fulltext = _fulltext(texts)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(fulltext.match, queries * 3))
    assert answers == [_expected(texts, q) for q in queries * 3]
