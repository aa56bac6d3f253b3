from __future__ import annotations

from pathlib import Path

from reviewtui.core.store.loader import load_catalog
from tests.helpers import review, write


def test_content_is_clean_and_linked(content: Path) -> None:
    catalog = load_catalog(content)
    assert catalog.problems == []
    assert catalog.files == len(catalog.reviews)
    products = [r for r in catalog.reviews if r.kind == "product"]
    companies = {r.company_id for r in catalog.reviews if r.kind == "company"}
    assert len([p for p in products if p.lang == "en"]) >= 40
    assert len({p.company_id for p in products}) >= 10
    assert {p.company_id for p in products} <= companies
    twins = [p for p in products if p.lang == "en" and catalog.twin_of(p) is not None]
    assert len(twins) >= 10
    for product in products:
        company = catalog.company_of(product)
        assert company is not None and company.kind == "company"
        assert product in catalog.products_of(catalog.company_of(product) or product) or company.lang != product.lang


def test_sample_corpus_loads_without_errors(sample: Path) -> None:
    catalog = load_catalog(sample)
    assert catalog.files == 498
    assert catalog.errors == []
    assert len(catalog.reviews) == 498
    en = [r for r in catalog.reviews if r.lang == "en" and r.kind == "product"]
    assert len(en) == 150
    assert sum(1 for r in en if catalog.twin_of(r) is not None) == 150
    for problem in catalog.problems:
        assert problem.message[0].isupper() and problem.message.endswith(".")


def test_layout_root_ignores_other_pages(tmp_path: Path) -> None:
    write(tmp_path, "README.md", "# not a review\n")
    write(tmp_path, "_products/en/acme/acme-x-1.md", review())
    write(tmp_path, "_products/en/acme/deeper/acme-x-2.md", review(ref="acme-x-2", target_name='"Acme X-2"'))
    catalog = load_catalog(tmp_path)
    assert catalog.files == 2 and catalog.problems == []
    assert [r.path for r in catalog.reviews] == [
        "_products/en/acme/acme-x-1.md",
        "_products/en/acme/deeper/acme-x-2.md",
    ]


def test_plain_folder_reads_every_md(tmp_path: Path) -> None:
    write(tmp_path, "a/one.md", review())
    write(tmp_path, "two.md", review(ref="two"))
    catalog = load_catalog(tmp_path)
    assert len(catalog.reviews) == 2


def test_bad_files_do_not_stop_good_ones(tmp_path: Path) -> None:
    write(tmp_path, "_products/en/acme/good.md", review())
    write(tmp_path, "_products/en/acme/bad.md", "no front matter\n")
    write(tmp_path, "_products/en/acme/binary.md", b"\x00\xff\x00")
    (tmp_path / "_products/en/acme/folder.md").mkdir()
    catalog = load_catalog(tmp_path)
    assert [r.path for r in catalog.reviews] == ["_products/en/acme/good.md"]
    assert {p.path for p in catalog.errors} == {"_products/en/acme/bad.md", "_products/en/acme/binary.md"}


def test_duplicate_ref_and_lang_warns_on_second(tmp_path: Path) -> None:
    write(tmp_path, "_products/en/acme/a.md", review())
    write(tmp_path, "_products/en/acme/b.md", review())
    catalog = load_catalog(tmp_path)
    assert len(catalog.reviews) == 2
    [problem] = catalog.problems
    assert problem.path == "_products/en/acme/b.md" and "already has ref 'acme-x-1'" in problem.message


def test_twins_and_companies_link_by_ref_not_path(tmp_path: Path) -> None:
    write(tmp_path, "_products/en/jvc/jvc-ha-1.md", review(ref="jvc-ha-1", company_id="jvc"))
    write(tmp_path, "_products/ja/victor/victor-ha-1.md", review(ref="jvc-ha-1", company_id="jvc", lang="ja"))
    write(tmp_path, "_companies/en/jvc.md", review(layout="company", ref="jvc", company_id="jvc", target_name='"JVC"'))
    catalog = load_catalog(tmp_path)
    en = catalog.by_path["_products/en/jvc/jvc-ha-1.md"]
    ja = catalog.by_path["_products/ja/victor/victor-ha-1.md"]
    assert catalog.twin_of(en) is ja and catalog.twin_of(ja) is en
    company = catalog.company_of(ja)
    assert company is not None and company.path == "_companies/en/jvc.md"
    assert catalog.products_of(company) == [en]


def test_reading_asks_for_the_size_seen_yet_gets_a_grown_file_up_to_the_limit(tmp_path: Path) -> None:
    import os

    from reviewtui.core.store.files import _read

    path = tmp_path / "f.md"
    path.write_bytes(b"x" * 3000)

    def read(size: int, limit: int) -> bytes:
        fd = os.open(path, os.O_RDONLY)
        try:
            return _read(fd, size, limit)
        finally:
            os.close(fd)

    assert len(read(3000, 10_000)) == 3000  # the usual case
    assert len(read(10, 10_000)) == 3000  # it grew since fstat: read on
    assert len(read(10, 100)) == 101  # never more than the limit + 1 (then it is "too large")
    assert read(0, 10_000) == b"x" * 3000
