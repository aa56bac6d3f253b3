"""links.py: which URLs are links, page URLs, and opening or copying from inside an app."""

from __future__ import annotations

import pytest

from reviewtui.ui import links
from reviewtui.ui.links import DEFAULT_SITE_BASE, browser_available, copy_url, is_safe_url, open_url, page_url
from tests.ui.detail_harness import HD600, RecordingApp, content_catalog, screen_text


@pytest.mark.parametrize(
    "url",
    [
        "https://www.sennheiser.com/en-us/catalog/products/headphones/hd-600",
        "http://example.com",
        "HTTPS://EXAMPLE.COM/a?b=c#d",
        "https://例え.jp/パス",
    ],
)
def test_http_and_https_urls_are_safe(url: str) -> None:
    assert is_safe_url(url)


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "mailto:someone@example.com",
        "ftp://example.com/file",
        "https://",
        "https:///path-only",
        "//example.com/protocol-relative",
        "relative/path.md",
        "https://example.com/\x1b]52;c;ZXZpbA==\x07",
        "https://example.com/a b",
        "https://example.com/\u009b31m",
        "https://exa mple.com",
        "http://[::1",  # urlsplit raises ValueError on this
    ],
)
def test_everything_else_is_not(url: str | None) -> None:
    assert not is_safe_url(url)


def test_page_url_joins_the_site_base_and_the_permalink() -> None:
    review = content_catalog().by_path[HD600]
    assert page_url(review) == f"{DEFAULT_SITE_BASE}/products/en/sennheiser-hd-600/"
    assert page_url(review, "https://mirror.example/reviews/") == (
        "https://mirror.example/reviews/products/en/sennheiser-hd-600/"
    )


@pytest.mark.parametrize(
    ("permalink", "expected"),
    [
        ("/products/en/magnepan-lrs+/", "/products/en/magnepan-lrs+/"),
        ("/products/en/astell&kern-virtuoso/", "/products/en/astell&kern-virtuoso/"),
        ("/products/en/creative-zen-hybrid-(gen-2)/", "/products/en/creative-zen-hybrid-(gen-2)/"),
        ("/products/ja/ソニー/", "/products/ja/%E3%82%BD%E3%83%8B%E3%83%BC/"),
        ("/a b/", "/a%20b/"),
    ],
)
def test_page_url_keeps_path_characters_and_encodes_the_rest(permalink: str, expected: str) -> None:
    review = content_catalog().by_path[HD600]
    from dataclasses import replace

    assert page_url(replace(review, permalink=permalink)) == DEFAULT_SITE_BASE + expected


@pytest.mark.parametrize("permalink", ["", "javascript:alert(1)//", "https://evil.example/", "//evil.example/x", "\\x"])
def test_page_url_refuses_permalinks_that_are_not_paths(permalink: str) -> None:
    from dataclasses import replace

    review = content_catalog().by_path[HD600]
    assert page_url(replace(review, permalink=permalink)) is None


def test_browser_available_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "DISPLAY", "WAYLAND_DISPLAY", links.BROWSER_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(links.sys, "platform", "linux")
    assert not browser_available()
    monkeypatch.setenv("DISPLAY", ":0")
    assert browser_available()
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
    assert not browser_available(), "over SSH a browser would open on the server, not for the user"
    monkeypatch.setenv(links.BROWSER_ENV, "1")
    assert browser_available()
    monkeypatch.setenv(links.BROWSER_ENV, "0")
    monkeypatch.delenv("SSH_CONNECTION")
    assert not browser_available()


async def test_open_url_copies_when_no_browser_can_reach_the_user() -> None:
    app = RecordingApp()
    async with app.run_test() as pilot:
        assert open_url(app, "https://example.com/a") is False
        await pilot.pause()
        assert app.opened == []
        assert app.clipboard == "https://example.com/a"
        assert "copied" in app.notice_text()


async def test_open_url_opens_when_a_browser_reaches_the_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links, "browser_reaches_user", lambda app: True)
    app = RecordingApp()
    async with app.run_test():
        assert open_url(app, "https://example.com/a") is True
        assert app.opened == ["https://example.com/a"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", None])
async def test_unsafe_urls_are_neither_opened_nor_copied(monkeypatch: pytest.MonkeyPatch, url: str | None) -> None:
    monkeypatch.setattr(links, "browser_reaches_user", lambda app: True)
    app = RecordingApp()
    async with app.run_test():
        assert open_url(app, url) is False
        assert copy_url(app, url) is False
        assert app.opened == []
        assert app.clipboard == ""
        assert [severity for _, severity in app.notices] == ["warning", "warning"]


async def test_notices_show_url_text_literally() -> None:
    """A URL with markup in it is shown as typed in the notice, not interpreted."""
    app = RecordingApp()
    async with app.run_test(notifications=True) as pilot:
        copy_url(app, "https://example.com/[bold]x[/bold]")
        await pilot.pause(0.2)
        assert "[bold]x[/bold]" in screen_text(app)
