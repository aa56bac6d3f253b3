"""Turning a file's bytes into text, or saying clearly why that is not possible."""

from __future__ import annotations

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


def decode(data: bytes) -> Decoded:
    """UTF-8 (with or without BOM) silently; other encodings when detected with confidence."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" in text:
            return Decoded(None, error="The file holds NUL bytes, so it looks binary, not like a text file.")
        return Decoded(text)
    if _looks_binary(data):
        return Decoded(None, error="The file is binary data, not text.")
    guess = _detect(data)
    if guess is None:
        return Decoded(None, error="The file is not UTF-8 and its encoding could not be recognised with confidence.")
    name, text = guess
    return Decoded(text, encoding=name)


def _detect(data: bytes) -> tuple[str, str] | None:
    # Japanese legacy encodings first: a strict decode that succeeds and yields kana is convincing.
    for codec, label in (("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if any("\u3040" <= c <= "\u30ff" for c in text):
            return label, text
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - charset-normalizer is a dependency
        return None
    best = from_bytes(data[:200_000]).best()
    if best is None or best.chaos > 0.2:
        return None
    codec = best.encoding
    label = _LABELS.get(codec, codec.replace("_", "-").upper())
    try:
        return label, data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
