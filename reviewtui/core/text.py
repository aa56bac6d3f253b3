"""Text hygiene (neutralising control characters) and folding for search."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# C0 controls (but tab and newline), DEL, C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_C1 = re.compile("[\x80-\x9f]")
# Bidi embeddings/overrides/isolates, zero-width characters, BOM, soft hyphen, line/para separators,
# the Mongolian vowel separator and the invisible "tag" characters (U+E0000..U+E007F).
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\u2028\u2029\U000e0000-\U000e007f]"
)
# Lone surrogates (from undecodable file names, or a YAML "\ud800" escape) cannot be printed or
# encoded: they become the replacement character.
_SURROGATE = re.compile("[\ud800-\udfff]")
# Any of the four above: one scan decides whether text needs work at all (most text does not).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
    "\u2028\u2029\ud800-\udfff\U000e0000-\U000e007f]"
)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    return "\u2421" if code == 0x7F else chr(0x2400 + code)


def clean(text: str, *, multiline: bool = False) -> str:
    """Make text from a file safe to show: no control codes, escapes, bidi tricks or zero-widths.

    C0 controls become visible Unicode control pictures (ESC shows as ␛), so an escape sequence
    reads as harmless text; C1 controls and invisible formatting characters are dropped.
    Single-line fields also turn newlines and tabs into spaces.
    """
    text = text.replace("\t", "    ") if multiline else text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    if (text.isascii() and text.isprintable()) or not _UNSAFE.search(text):
        return text
    text = _CONTROL.sub(_picture, text)
    text = _C1.sub("", text)
    text = _SURROGATE.sub("\ufffd", text)
    return _INVISIBLE.sub("", text)


_KATAKANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


def _fold_table() -> dict[int, str | int]:
    """Below U+2000, each character without its combining marks (é -> e); katakana to hiragana."""
    table: dict[int, str | int] = {}
    for code in range(0x80, 0x2000):
        char = chr(code)
        bare = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        if bare != char:
            table[code] = bare
    table.update(_KATAKANA)
    return table


_FOLD: dict[int, str | int] = {}
"""`_fold_table()`, made on the first non-ASCII text (3 ms: a warm start of ASCII queries skips it)."""


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Fold for matching: NFKC, case, Latin diacritics, full/half width, katakana to hiragana."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if text.isascii():
        return text
    if not _FOLD:
        _FOLD.update(_fold_table())
    return text.translate(_FOLD)


_NOT_ALNUM = re.compile(r"[\W_]+")


def squash(text: str) -> str:
    """Folded text with only letters and digits: `WH-1000XM5` and `wh 1000 xm5` both give `wh1000xm5`."""
    return _NOT_ALNUM.sub("", fold(text))


def script_of(text: str) -> str | None:
    """'ja' when the text holds kana or kanji, 'en' when it holds Latin letters, else None."""
    for char in text:
        code = ord(char)
        if 0x3040 <= code <= 0x30FF or 0x4E00 <= code <= 0x9FFF or 0xFF66 <= code <= 0xFF9D or 0x3400 <= code <= 0x4DBF:
            return "ja"
    for char in text:
        if char.isalpha():
            return "en"
    return None


_TAG_SEPARATORS = re.compile(r"[\s_\-]+")


def norm_label(text: str) -> str:
    """Folded, with `-`, `_` and spaces alike: how `tag:` and `company:` compare."""
    return _TAG_SEPARATORS.sub(" ", fold(text)).strip()
