"""Every hostile case gives exactly its problems, and every good file beside them is indexed."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from reviewtui.core.catalog import Catalog
from reviewtui.core.model import Review
from reviewtui.core.store import files as files_module
from reviewtui.core.store import loader as loader_module
from reviewtui.core.store.loader import load_catalog
from tests.helpers import open_lib, review, write
from tests.hostile.conftest import problem_key
from tests.hostile.corpus import HOSTILE_CLEAN, UNSAFE, Corpus, _cases, _good_cases, outside_of


def _names() -> list[str]:
    return [c.name for c in _good_cases() + _cases()] + [
        "dangling-symlink",
        "symlink-loop-file",
        "symlink-loop-folder",
        "symlink-outside",
        "symlink-to-good-file",
        "fifo",
        "unreadable",
        "latin-1-file-name",
        "duplicate-ref",
    ]


@pytest.mark.parametrize("name", _names())
def test_case_gives_exactly_its_problems(corpus: Corpus, catalog: Catalog, name: str) -> None:
    case = next((c for c in corpus.cases if c.name == name), None)
    if case is None:
        pytest.skip(f"{name} cannot be made on this platform")
    expected = sorted(((e.severity, e.message, e.line) for e in case.problems), key=problem_key)
    got = [(p.severity, p.message, p.line) for p in catalog.problems if p.path == case.rel]
    assert got == expected, case.note
    indexed = case.rel in catalog.by_path
    assert indexed == (case.kept and case.counted), case.note


def test_every_good_file_is_indexed_and_nothing_else(corpus: Corpus, catalog: Catalog) -> None:
    assert sorted(r.path for r in catalog.reviews) == sorted(c.rel for c in corpus.kept)
    assert len(catalog.reviews) >= 40


def test_files_counts_every_md_entry_once(corpus: Corpus, catalog: Catalog) -> None:
    assert catalog.files == len(corpus.counted)
    dropped = {p.path for p in catalog.errors}
    assert catalog.files == len(catalog.reviews) + len(dropped)


def test_no_problem_for_a_path_outside_the_cases(corpus: Corpus, catalog: Catalog) -> None:
    known = {c.rel for c in corpus.cases}
    assert {p.path for p in catalog.problems} <= known


def test_a_dropped_file_is_never_half_indexed(catalog: Catalog) -> None:
    for problem in catalog.errors:
        assert problem.path not in catalog.by_path


def test_every_message_is_a_sentence_and_safe(catalog: Catalog) -> None:
    for problem in catalog.problems:
        assert problem.message[0].isupper() or problem.message[0].isdigit(), problem
        assert problem.message.endswith("."), problem
        assert not UNSAFE & set(problem.message), problem
        assert "parser failed" not in problem.message, problem


def _strings(review: Review) -> list[str]:
    out = [review.title, review.target_name, review.summary, review.permalink, review.ref, review.company_id]
    out += list(review.tags)
    for section in review.sections:
        out += [section.heading, section.text]
    for reference in review.references:
        out += [reference.text, reference.url or ""]
    return out


def test_no_text_from_any_file_carries_controls(catalog: Catalog) -> None:
    for item in catalog.reviews:
        for text in _strings(item):
            assert not UNSAFE & set(text), (item.path, text[:80])
            assert all(not 0xD800 <= ord(c) <= 0xDFFF for c in text)


def test_hostile_fields_are_shown_literally(corpus: Corpus, catalog: Catalog) -> None:
    review = catalog.by_path[corpus.case("hostile-fields").rel]
    assert review.title == HOSTILE_CLEAN
    assert review.target_name == HOSTILE_CLEAN
    assert review.summary == HOSTILE_CLEAN
    assert review.permalink == HOSTILE_CLEAN
    assert review.tags == (HOSTILE_CLEAN, "plain")
    overview = review.sections[0]
    assert overview.text.startswith("[bold red]x[/] [link=file:///etc/passwd]y[/] ␛[31mred␛[0m")
    # the body keeps its line structure: the raw CR became a line break, never a carriage return
    assert "cr\nret" in overview.text
    first, second = review.references
    assert first.url is None and "javascript:alert(1)" in first.text
    assert second.url == "https://acme.example/x-1"


def test_file_names_are_kept_as_keys(corpus: Corpus, catalog: Catalog) -> None:
    """The path is the key used to open the file again, so it stays raw; displays must clean it."""
    case = corpus.case("hostile-name")
    assert case.rel in catalog.by_path
    assert (corpus.root / case.rel).read_bytes().startswith(b"---")


def test_outside_link_is_not_followed(corpus: Corpus, catalog: Catalog) -> None:
    assert (outside_of(corpus.root) / "_products/en/outside/outside.md").is_file()
    assert all(r.ref != "outside" for r in catalog.reviews)


def test_twins_still_link_beside_the_mess(corpus: Corpus, catalog: Catalog) -> None:
    en = catalog.by_path["_products/en/good/good-01.md"]
    ja = catalog.by_path["_products/ja/good/good-01.md"]
    assert catalog.twin_of(en) is ja
    company = catalog.company_of(en)
    assert company is not None and company.path == "_companies/en/good.md"


def _snapshot(catalog: Catalog) -> tuple[object, ...]:
    reviews = [
        (r.path, r.title, r.summary, r.tags, r.rating, r.price, r.date, r.sections, r.references)
        for r in catalog.reviews
    ]
    return catalog.files, reviews, catalog.problems


def test_cached_load_gives_the_same_catalog(corpus: Corpus, catalog: Catalog) -> None:
    """The second load comes from the persistent cache; hostile text survives the round trip intact."""
    pytest.importorskip("reviewtui.core.store.cache")
    again = open_lib(corpus.root)
    assert _snapshot(again.catalog) == _snapshot(catalog)
    assert _snapshot(load_catalog(corpus.root, cache=False)) == _snapshot(catalog)
    assert again.notices == []


# ----------------------------------------------------------------------------- races and depth


def _good_tree(root: Path, count: int = 3) -> list[str]:
    rels = [f"_products/en/acme/r{i}.md" for i in range(count)]
    for i, rel in enumerate(rels):
        write(root, rel, review(ref=f"r{i}"))
    return rels


def test_file_vanishing_after_the_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rels = _good_tree(tmp_path)
    real_scan = files_module.scan

    def scan_then_delete(root: Path) -> files_module.Scan:
        found = real_scan(root)
        (root / rels[1]).unlink()
        return found

    monkeypatch.setattr(loader_module, "scan", scan_then_delete)
    catalog = load_catalog(tmp_path)
    assert [r.path for r in catalog.reviews] == [rels[0], rels[2]]
    assert [(p.path, p.severity, p.message) for p in catalog.problems] == [
        (rels[1], "error", "The file vanished while the folder was being read.")
    ]
    assert catalog.files == 3


def test_file_vanishing_during_the_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between listing a folder and looking at one of its entries."""
    rels = _good_tree(tmp_path)
    real_scandir = os.scandir

    def scandir_then_delete(path: object) -> object:
        entries = list(real_scandir(path))  # type: ignore[call-overload]
        victim = tmp_path / rels[2]
        if victim.exists() and victim.parent == Path(str(path)):
            victim.unlink()
        return iter(entries)

    monkeypatch.setattr(files_module.os, "scandir", scandir_then_delete)
    catalog = load_catalog(tmp_path)
    assert [r.path for r in catalog.reviews] == rels[:2]
    [problem] = catalog.problems
    assert (problem.path, problem.message) == (rels[2], "The file vanished while the folder was being read.")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_file_replaced_by_a_pipe_after_the_scan_does_not_hang(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rels = _good_tree(tmp_path)
    real_scan = files_module.scan

    def scan_then_swap(root: Path) -> files_module.Scan:
        found = real_scan(root)
        (root / rels[0]).unlink()
        os.mkfifo(root / rels[0])
        return found

    monkeypatch.setattr(loader_module, "scan", scan_then_swap)
    result: list[Catalog] = []
    worker = threading.Thread(target=lambda: result.append(load_catalog(tmp_path)), daemon=True)
    worker.start()
    worker.join(60)  # a blocking open() of a FIFO would wait forever; a hang fails here, not in CI's timeout
    assert result, "loading blocked on a named pipe"
    [problem] = result[0].problems
    assert (problem.path, problem.message) == (rels[0], "This is a named pipe, not a file; it was skipped.")


def test_file_growing_past_the_limit_after_the_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rels = _good_tree(tmp_path, 1)
    real_scan = files_module.scan

    def scan_then_grow(root: Path) -> files_module.Scan:
        found = real_scan(root)
        with open(root / rels[0], "ab") as handle:
            handle.truncate(9 * 1024 * 1024)
        return found

    monkeypatch.setattr(loader_module, "scan", scan_then_grow)
    catalog = load_catalog(tmp_path)
    assert [p.message for p in catalog.problems] == ["The file is 9.0 MB, larger than the 8 MB a review may be."]


def test_a_tree_deeper_than_the_recursion_limit(tmp_path: Path) -> None:
    depth = sys.getrecursionlimit() + 100
    rel = "/".join(["d"] * depth) + "/deep.md"
    folder = os.fspath(tmp_path)
    fd = os.open(folder, os.O_RDONLY)  # build with relative steps: the whole path may exceed PATH_MAX
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            next_fd = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = next_fd
        with open(os.open("deep.md", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as handle:
            handle.write(review(ref="deep"))
    finally:
        os.close(fd)
    try:
        catalog = load_catalog(tmp_path)
        assert [r.path for r in catalog.reviews] == [rel]
    finally:
        _remove_chain(folder, depth)


def _remove_chain(folder: str, depth: int) -> None:
    """Remove d/d/.../deep.md without recursion (pytest's own clean-up recurses, and would fail)."""
    fd = os.open(folder, os.O_RDONLY)
    for _ in range(depth):
        next_fd = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = next_fd
    os.unlink("deep.md", dir_fd=fd)
    for _ in range(depth):
        parent = os.open("..", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        os.rmdir("d", dir_fd=parent)
        fd = parent
    os.close(fd)


def test_a_crash_in_the_parser_is_contained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last resort in read_file: one file failing in an unforeseen way never stops the rest."""
    rels = _good_tree(tmp_path, 2)
    real = files_module.parse_bytes

    def flaky(data: bytes, path: str, **options: bool) -> object:
        if path == rels[0]:
            raise RuntimeError("boom")
        return real(data, path, **options)

    monkeypatch.setattr(files_module, "parse_bytes", flaky)
    catalog = load_catalog(tmp_path)
    assert [r.path for r in catalog.reviews] == [rels[1]]
    assert [p.message for p in catalog.problems] == [
        "The parser failed on this file (RuntimeError); please report it with the file attached."
    ]
