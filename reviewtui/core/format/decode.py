"""Turning a file's bytes into text, or saying clearly why that is not possible."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Encodings we accept when charset detection names them with confidence.
_LABELS = {
    "shift_jis": "Shift_JIS",
    "cp932": "Shift_JIS",
    "euc_jp": "EUC-JP",
    "iso2022_jp": "ISO-2022-JP",
    "latin_1": "Latin-1",
    "cp1252": "Windows-1252",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16",
    "utf_16_be": "UTF-16",
}


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str | None
    encoding: str | None = None
    """Set when the file was not UTF-8 but could be decoded (a warning)."""
    error: str | None = None
    """Set when the bytes could not be used as text (an error)."""


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample and not (sample.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > max(8, len(sample) // 20)


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)


def decode(data: bytes) -> Decoded:
    """UTF-8 (with or without BOM) silently; other encodings when recognised with confidence.

    Policy: a file in another encoding that is recognised with confidence (Shift_JIS, EUC-JP,
    ISO-2022-JP, Latin-1, Windows-1252, UTF-16 with a BOM...) is read, and the caller reports a
    warning naming the encoding; the review is kept. Anything else is an error.
    """
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return Decoded(None, error=f"The file starts like {label} text but is not valid {label}.")
            if "\x00" in text:
                return Decoded(None, error="The file holds NUL characters, so it looks binary, not like a text file.")
            return Decoded(text.removeprefix("\ufeff"), encoding=label)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" in text:
            return Decoded(None, error="The file holds NUL bytes, so it looks binary, not like a text file.")
        if "\x1b" in text and "\x1b$" in text and text.isascii():  # ISO-2022-JP is 7-bit: ASCII full of escapes
            try:
                return Decoded(data.decode("iso2022_jp"), encoding="ISO-2022-JP")
            except UnicodeDecodeError:
                pass
        return Decoded(text)
    if _looks_binary(data):
        return Decoded(None, error="The file is binary data, not text.")
    guess = _detect(data)
    if guess is None:
        return Decoded(None, error="The file is not UTF-8 and its encoding could not be recognised with confidence.")
    name, text = guess
    return Decoded(text, encoding=name)


# Counted by deleting runs of what is not counted: a character loop in Python (or findall, which
# makes one string per character) took 0.3-0.7 s on an 8 MB file.
_NOT_KANA = re.compile("[^\u3041-\u30fa]+")
_ASCII_OR_JAPANESE = re.compile("[\x00-\x7f\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff9f]+")
_ASCII = re.compile("[\x00-\x7f]+")
_NOT_LETTER = re.compile(r"[\W\d_]+")
_C1_BYTE = re.compile(rb"[\x80-\x9f]")
#: Characters looked at to judge an encoding (the whole file must still decode strictly).
_SAMPLE = 1_000_000


def _japanese(text: str) -> tuple[int, int]:
    """(kana count, other non-ASCII count): Japanese text is kana and kanji, not stray symbols."""
    sample = text[:_SAMPLE]
    return len(_NOT_KANA.sub("", sample)), len(_ASCII_OR_JAPANESE.sub("", sample))


def _western(text: str) -> bool:
    """Mostly ASCII, and every other character a printable Latin-1/Windows-1252 one."""
    sample = text[:_SAMPLE]
    extra = _ASCII.sub("", sample)
    letters = len(_NOT_LETTER.sub("", sample))
    return 0 < len(extra) <= max(1, letters // 4) and extra.isprintable()


def _detect(data: bytes) -> tuple[str, str] | None:
    # Japanese legacy encodings first: a strict decode that yields kana and little else is convincing.
    best: tuple[int, str, str] | None = None
    for codec, label in (("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        kana, other = _japanese(text)
        if kana and other <= kana // 10 and (best is None or kana > best[0]):
            best = (kana, label, text)
    if best is not None:
        return best[1], best[2]
    # Western European: Latin-1 when no byte falls in 0x80..0x9F, else Windows-1252.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    else:
        if _western(text):
            return ("Windows-1252" if _C1_BYTE.search(data) else "Latin-1"), text
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - charset-normalizer is a dependency
        return None
    found = from_bytes(data[:200_000]).best()
    if found is None or found.chaos > 0.2:
        return None
    codec = found.encoding
    label = _LABELS.get(codec) or (
        f"Windows-{codec[2:]}" if codec.startswith("cp125") else codec.replace("_", "-").upper()
    )
    try:
        return label, data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
