"""Fixtures for the app's Pilot and snapshot tests: a small fixed collection, a private config dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reviewtui.core.config import Config
from reviewtui.ui.app import ReviewApp, make_app
from tests.helpers import EN_HEADINGS, JA_HEADINGS, body, front, write


def _body(lang: str, rating: str) -> str:
    scores = tuple(json.loads(rating)[1:])
    return body(scores, JA_HEADINGS if lang == "ja" else EN_HEADINGS)


def product(company: str, ref: str, name: str, lang: str = "en", **fields: str | None) -> tuple[str, str]:
    price = fields.pop("price", "99" if lang == "en" else "15000")
    rating = fields.setdefault("rating", "[2.5, 0.5, 0.5, 0.5, 0.5, 0.5]") or ""
    text = front(
        title=f'"{name} Product Review"',
        target_name=f'"{name}"',
        company_id=company,
        lang=lang,
        ref=ref,
        price=price,
        permalink=f"/products/{lang}/{ref}/",
        **fields,
    ) + _body(lang, rating)
    return f"_products/{lang}/{company}/{ref}.md", text


def company(company_id: str, name: str, lang: str = "en", **fields: str | None) -> tuple[str, str]:
    rating = fields.setdefault("rating", "[2.5, 0.5, 0.5, 0.5, 0.5, 0.5]") or ""
    text = front(
        layout="company",
        title=f'"{name} Company Review"',
        target_name=f'"{name}"',
        company_id=company_id,
        lang=lang,
        ref=company_id,
        price=None,
        tags="[Company]",
        permalink=f"/companies/{lang}/{company_id}/",
        **fields,
    ) + _body(lang, rating)
    return f"_companies/{lang}/{company_id}.md", text


def build_collection(root: Path) -> Path:
    """Two companies with reviews (acme in en and ja), one without (zenit), twins, tags, a broken file."""
    files = [
        company("acme", "Acme"),
        company("acme", "Acme", lang="ja"),
        company("bolt", "Bolt Audio"),
        product(
            "acme", "acme-x-1", "Acme X-1", tags="[Headphones, DAC, Budget]", rating="[2.5, 0.5, 0.5, 0.5, 0.5, 0.5]"
        ),
        product("acme", "acme-x-1", "Acme X-1", lang="ja", tags="[ヘッドホン, DAC]"),
        product(
            "acme",
            "acme-z-9",
            "Acme Z-9",
            tags="[Headphones, Balanced]",
            rating="[4.5, 0.9, 0.9, 0.9, 0.9, 0.9]",
            price="1200",
        ),
        product(
            "bolt",
            "bolt-amp-2",
            "Bolt Amp 2",
            tags="[Amplifier, DAC]",
            rating="[3.5, 0.7, 0.7, 0.7, 0.7, 0.7]",
            price="450",
        ),
        product(
            "bolt",
            "bolt-dac-mini",
            "Bolt DAC Mini",
            tags="[DAC, Budget]",
            rating="[3.0, 0.6, 0.6, 0.6, 0.6, 0.6]",
            price="59",
        ),
        product(
            "zenit", "zenit-one", "Zenit One", tags="[Speakers]", rating="[2.0, 0.4, 0.4, 0.4, 0.4, 0.4]", price=None
        ),
    ]
    for rel, text in files:
        write(root, rel, text)
    write(root, "_products/en/acme/broken.md", "no front matter here\n")
    return root


@pytest.fixture(autouse=True)
def private_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the user's config or cache, or starts a real editor or browser."""
    config_dir = tmp_path / "config"
    monkeypatch.setenv("REVIEWTUI_CONFIG_DIR", str(config_dir))
    monkeypatch.setenv("REVIEWTUI_NO_CACHE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("REVIEWTUI_BROWSER", "0")
    monkeypatch.delenv("REVIEWTUI_READONLY", raising=False)
    for name in ("EDITOR", "VISUAL", "PAGER"):
        monkeypatch.delenv(name, raising=False)
    return config_dir


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    return build_collection(tmp_path / "reviews")


@pytest.fixture
def app(collection: Path) -> ReviewApp:
    return make_app(collection, config=Config())


async def ready(pilot: Pilot[int]) -> None:
    """Wait until the catalog is loaded, the latest search is on screen and deferred updates are done."""
    app = pilot.app
    assert isinstance(app, ReviewApp)
    for _ in range(200):
        app.main.settle()  # a query waiting for a typing pause is searched now
        await app.workers.wait_for_complete()
        await pilot.pause()
        main = app.main
        if main.results is not None and not main.searching and not main.unsettled:
            break
    app.main.settle()
    await app.workers.wait_for_complete()
    await pilot.pause()
