"""Body search of kana and kanji runs (the part of the full-text search SQLite does not split)."""

from __future__ import annotations

import sqlite3


def test_kana_and_kanji_body_search_matches_whole_characters_only() -> None:
    """The runs are kept as UTF-16: a match must start on a character, never between two bytes
    of one (U+3042 U+3044 holds the bytes of U+4430 one byte in)."""
    import threading

    from reviewtui.core.fulltext import FullText

    texts = [(1, "Intro あい and more"), (2, "English only"), (3, "䐰 stands alone"), (4, "カタカナ と ひらがな")]
    fulltext = FullText(sqlite3.connect(":memory:"), threading.Lock(), lambda: texts)
    assert fulltext._find_cjk("䐰") == {3}
    assert fulltext._find_cjk("あい") == {1}
    assert fulltext._find_cjk("かたかな") == {4}  # hiragana finds katakana
    assert fulltext._find_cjk("かたかなと") == set()  # runs end at a space: nothing spans them
