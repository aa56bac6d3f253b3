"""Links out of the app: which URLs are safe, opening them, copying them (OSC 52), page URLs.

Only http and https URLs ever leave the app as links. Everything else (javascript:, file:,
data:, ...) stays plain text on screen and is refused here with a notice.
"""

from __future__ import annotations

import os
import re
import sys
from urllib.parse import quote, urlsplit

from textual.app import App

from reviewtui.core.model import Review
from reviewtui.core.text import clean

#: Where the public pages of the collection live; a review's page is this plus its permalink.
DEFAULT_SITE_BASE = "https://frieve-a.github.io/audioreview"

#: Set to 0/no/false to never start a browser (e.g. on a host serving the app to remote users).
BROWSER_ENV = "REVIEWTUI_BROWSER"

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SAFE_SCHEMES = frozenset({"http", "https"})
# Characters a URL path may hold as they are (RFC 3986 pchar and '/'); the rest gets %-encoded.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


def is_safe_url(url: str | None) -> bool:
    """True for an http(s) URL with a host and no whitespace or control characters."""
    if not url or len(url) > 8192:
        return False
    if any(ch.isspace() or ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in _SAFE_SCHEMES and bool(parts.hostname)


def shown_url(url: str, limit: int = 200) -> str:
    """A URL made safe to show in a notice: cleaned and shortened."""
    text = clean(url)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def page_url(review: Review, site_base: str = DEFAULT_SITE_BASE) -> str | None:
    """The public page of a review: the site base joined with its permalink; None when unusable."""
    permalink = review.permalink.strip()
    if not permalink or _SCHEME.match(permalink) or permalink.startswith("//") or "\\" in permalink:
        return None
    url = site_base.rstrip("/") + "/" + quote(permalink.lstrip("/"), safe=_PATH_SAFE)
    return url if is_safe_url(url) else None


def browser_available() -> bool:
    """Whether a browser started here would appear in front of the user.

    False over SSH, on a Linux box without a display, or when REVIEWTUI_BROWSER says no.
    """
    setting = os.environ.get(BROWSER_ENV, "").strip().lower()
    if setting in ("0", "no", "false", "off"):
        return False
    if setting in ("1", "yes", "true", "on"):
        return True
    if any(os.environ.get(name) for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")):
        return False
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def browser_reaches_user(app: App[object]) -> bool:
    """True in a web session (the user's own browser opens it) or a local terminal with a desktop."""
    return app.is_web or (not app.is_headless and browser_available())


def copy_to_clipboard(app: App[object], text: str, *, what: str = "Text") -> None:
    """Copy text with OSC 52 (works over SSH; in tmux it needs `set -g set-clipboard on`)."""
    app.copy_to_clipboard(text)
    app.notify(f"{what} copied to the clipboard: {shown_url(text)}", title="Copied", timeout=4, markup=False)


def open_url(app: App[object], url: str | None, *, what: str = "Link") -> bool:
    """Open an http(s) URL in a browser when one can show up, else copy it. True when opened.

    In a web browser session (textual-serve) the user's browser opens it. Unsafe URLs are
    refused with a notice and neither opened nor copied.
    """
    if not url or not is_safe_url(url):
        shown = shown_url(url) if url else "nothing"
        app.notify(f"Not opened: only http and https links can be opened ({shown}).", severity="warning", markup=False)
        return False
    if browser_reaches_user(app):
        app.open_url(url)
        app.notify(f"Opening {shown_url(url)}", title=what, timeout=3, markup=False)
        return True
    app.copy_to_clipboard(url)
    app.notify(
        f"No browser here, so the link was copied to the clipboard instead: {shown_url(url)}",
        title=what,
        timeout=5,
        markup=False,
    )
    return False


def copy_url(app: App[object], url: str | None, *, what: str = "Link") -> bool:
    """Copy an http(s) URL; refuse anything else with a notice. True when copied."""
    if not url or not is_safe_url(url):
        shown = shown_url(url) if url else "nothing"
        app.notify(f"Not copied: only http and https links can be copied ({shown}).", severity="warning", markup=False)
        return False
    copy_to_clipboard(app, url, what=what)
    return True
