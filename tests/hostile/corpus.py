"""A corpus of messy and hostile review files, each with the exact problems it must produce.

`build(root)` writes every case into `root` (in the real layout, `_products/<lang>/<company>/`)
next to good reviews that must all be indexed, and returns what it built. Cases the platform or
the current user cannot make (a FIFO on Windows, an unreadable file for root) are adapted and say
so in `Case.note`.

Run `python -m tests.hostile.corpus /tmp/hostile` to build it by hand (for the app, or tmux).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers import JA_HEADINGS, body, front, review, write

# ----------------------------------------------------------------------------- hostile strings

#: Rich markup, ANSI colour, OSC 52 (clipboard write), OSC 8 (hyperlink), bell, backspace, carriage
#: return, a C1 CSI (U+009B), a bidi override (U+202E), zero-width and invisible "tag" characters.
HOSTILE = (
    "[bold red]x[/] [link=file:///etc/passwd]y[/] "
    "\x1b[31mred\x1b[0m \x1b]52;c;aGFja2Vk\x07 \x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\ "
    "bell\x07 back\x08space cr\rret \x9b2J \u202eevil\u202c zero\u200bwidth\u2060 tag\U000e0041"
)
#: What `clean()` must turn HOSTILE into: C0 controls shown as control pictures, the rest dropped,
#: a carriage return in a one-line field becomes a space.
HOSTILE_CLEAN = (
    "[bold red]x[/] [link=file:///etc/passwd]y[/] "
    "␛[31mred␛[0m ␛]52;c;aGFja2Vk␇ ␛]8;;https://evil.example/␛\\link␛]8;;␛\\ "
    "bell␇ back␈space cr ret 2J evil zerowidth tag"
)
#: Characters that must never reach a terminal from file content.
UNSAFE = {chr(c) for c in range(0x20) if c != 0x0A} | {chr(c) for c in range(0x7F, 0xA0)}
UNSAFE |= set("\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069")
UNSAFE |= {"\ufeff", "\U000e0041"}


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar holding `text`, with every control written as an escape."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or 0x7F <= code <= 0x9F:
            out.append(f"\\x{code:02x}")
        elif char in UNSAFE or code > 0xFFFF:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


# Lines of the fields written by tests.helpers.front (line 1 is the opening `---`).
LAYOUT, TITLE, TARGET, COMPANY, LANG, REF, DATE, RATING, PRICE, SUMMARY, TAGS, PERMALINK = range(2, 14)
BODY = 15  # the first body line after `front()`; body() starts with an empty line


def ja_review(**fields: str) -> str:
    base = {"lang": "ja", "title": '"テスト製品のレビュー"', "target_name": '"テスト製品"', "price": "20800"}
    return front(**{**base, **fields}) + body(headings=JA_HEADINGS)


def laughs(levels: int = 9) -> str:
    """YAML lines defining lol0..lol{levels}: lol9 is a list of 10**9 strings if ever expanded."""
    lines = ["lol0: &lol0 [ha, ha, ha, ha, ha, ha, ha, ha, ha, ha]"]
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def merge_bomb(levels: int = 8) -> str:
    """YAML lines whose merge keys (<<) would copy 10**levels entries."""
    lines = ["m0: &m0 {" + ", ".join(f"k{i}: {i}" for i in range(10)) + "}"]
    for i in range(1, levels + 1):
        lines.append(f"m{i}: &m{i} {{<<: [" + ", ".join([f"*m{i - 1}"] * 10) + "]}")
    return "\n".join(lines) + "\n"


def with_head(extra: str, **fields: str) -> str:
    """A review whose front matter starts with `extra` lines (field lines move down by that many)."""
    text = front(**fields) + body()
    return "---\n" + extra + text.removeprefix("---\n")


# ----------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Expect:
    severity: str
    message: str
    line: int | None


def E(message: str, line: int | None = None) -> Expect:  # noqa: N802 - reads like a table
    return Expect("error", message, line)


def W(message: str, line: int | None = None) -> Expect:  # noqa: N802
    return Expect("warning", message, line)


Maker = Callable[[Path], None]


@dataclass
class Case:
    name: str
    rel: str
    """Path of the file relative to the root (what problems and reviews name)."""
    content: str | bytes | Maker
    problems: tuple[Expect, ...] = ()
    kept: bool = True
    """Indexed as a review (no error)."""
    counted: bool = True
    """Counted in Catalog.files (a `.md` entry that is a file, or an unusable one with a problem)."""
    note: str = ""
    expect_more: int = 0
    """For capped warnings: how many warnings beyond `problems` are summarised."""
    extra: dict[str, object] = field(default_factory=dict)


P = "_products/en"


def _cases() -> list[Case]:
    huge_title = "T" * 10_000
    many_tags = "[" + ", ".join(f"tag{i}" for i in range(5000)) + "]"
    cases = [
        # --- no usable front matter: errors, the file is dropped
        Case(
            "no-front-matter",
            f"{P}/broken/no-front-matter.md",
            "# A review\n\nJust text.\n",
            (E("The file has no front matter: its first line should be three dashes (---).", 1),),
            kept=False,
        ),
        Case(
            "unclosed-front-matter",
            f"{P}/broken/unclosed.md",
            "---\ntitle: Open\nrating: [1, 0.2, 0.2, 0.2, 0.2, 0.2]\n\n## Overview\n",
            (E("The front matter opened on line 1 is never closed with a line of three dashes.", 1),),
            kept=False,
        ),
        Case(
            "invalid-yaml",
            f"{P}/broken/invalid-yaml.md",
            review(ref="invalid-yaml", rating="[2.5, 0.5, 0.5"),
            (
                E(
                    "The front matter is not valid YAML: did not find expected ',' or ']' "
                    "(while parsing a flow sequence).",
                    RATING,
                ),
            ),
            kept=False,
        ),
        Case(
            "yaml-list",
            f"{P}/broken/yaml-list.md",
            "---\n- title\n- rating\n---\n" + body(),
            (E("The front matter is a list, not a set of `key: value` lines.", 2),),
            kept=False,
        ),
        Case(
            "yaml-scalar",
            f"{P}/broken/yaml-scalar.md",
            "---\njust some words\n---\n" + body(),
            (E("The front matter is the text 'just some words', not a set of `key: value` lines.", 2),),
            kept=False,
        ),
        Case(
            "yaml-number",
            f"{P}/broken/yaml-number.md",
            "---\n42\n---\n" + body(),
            (E("The front matter is the number 42, not a set of `key: value` lines.", 2),),
            kept=False,
        ),
        Case(
            "empty-front-matter",
            f"{P}/broken/empty-front-matter.md",
            "---\n---\n" + body(),
            (E("The front matter is empty.", 1),),
            kept=False,
        ),
        Case(
            "yaml-tabs",
            f"{P}/broken/yaml-tabs.md",
            review(ref="yaml-tabs", tags="\n\t- a\n\t- b"),
            (E("The front matter is not valid YAML: it indents with a tab, and YAML allows only spaces.", TAGS + 1),),
            kept=False,
        ),
        Case(
            "yaml-python-tag",
            f"{P}/broken/python-tag.md",
            review(ref="python-tag", title="!!python/object/apply:os.system [ls]"),
            (
                E(
                    "The front matter uses the YAML tag !!python/object/apply:os.system, which a review may not use.",
                    TITLE,
                ),
            ),
            kept=False,
        ),
        Case(
            "yaml-list-key",
            f"{P}/broken/list-key.md",
            with_head("? [a, b]\n: c\n", ref="list-key"),
            (E("The front matter uses a list or a mapping as a key; keys must be plain names.", 2),),
            kept=False,
        ),
        Case(
            "yaml-raw-escape",
            f"{P}/broken/raw-escape.md",
            review(ref="raw-escape", title='"\x1b[31mred"'),
            (
                E(
                    "The front matter holds the control character U+001B, which YAML does not allow "
                    "(write it as an escape inside double quotes, or remove it).",
                    TITLE,
                ),
            ),
            kept=False,
        ),
        Case(
            "yaml-raw-c1",
            f"{P}/broken/raw-c1.md",
            review(ref="raw-c1", summary="x\x9b2J"),
            (
                E(
                    "The front matter holds the control character U+009B, which YAML does not allow "
                    "(write it as an escape inside double quotes, or remove it).",
                    SUMMARY,
                ),
            ),
            kept=False,
        ),
        Case(
            "yaml-deep",
            f"{P}/broken/deep-yaml.md",
            review(ref="deep-yaml", extra_="[" * 5000 + "]" * 5000),
            (E("The front matter is nested too deeply to read.", PERMALINK + 1),),
            kept=False,
        ),
        Case(
            "yaml-merge-bomb",
            f"{P}/broken/merge-bomb.md",
            with_head(merge_bomb(), ref="merge-bomb"),
            (E("The front matter is not read: its merge keys (<<) would copy more than 10,000 entries.", 6),),
            kept=False,
        ),
        Case(
            "yaml-5000-digits",
            f"{P}/broken/5000-digits.md",
            review(ref="digits", price="9" * 5000),
            (E("The front matter holds a number with more than 4,300 digits, too long to read.", PRICE),),
            kept=False,
        ),
        Case(
            "front-matter-300k",
            f"{P}/broken/front-300k.md",
            review(ref="front-300k", summary='"' + "s" * 300_000 + '"'),
            (E("The front matter is 300,251 characters long, more than the 262,144 a review may have.", 1),),
            kept=False,
        ),
        # --- required fields and the rating: errors
        Case(
            "no-title",
            f"{P}/broken/no-title.md",
            review(ref="no-title", title=None),
            (E("The front matter has no title."),),
            kept=False,
        ),
        Case(
            "title-list",
            f"{P}/broken/title-list.md",
            review(ref="title-list", title="[a, b]"),
            (E("The title is a list, not text.", TITLE),),
            kept=False,
        ),
        Case(
            "title-empty",
            f"{P}/broken/title-empty.md",
            review(ref="title-empty", title='""'),
            (E("The title is empty.", TITLE),),
            kept=False,
        ),
        Case(
            "rating-missing",
            f"{P}/broken/rating-missing.md",
            review(ref="rating-missing", rating=None),
            (E("The front matter has no rating; expected six numbers [overall, five criteria]."),),
            kept=False,
        ),
        Case(
            "rating-scalar",
            f"{P}/broken/rating-scalar.md",
            review(ref="rating-scalar", rating="3.5"),
            (E("The rating is the number 3.5, not a list of six numbers [overall, five criteria].", RATING),),
            kept=False,
        ),
        Case(
            "rating-5",
            f"{P}/broken/rating-5.md",
            review(ref="rating-5", rating="[2.0, 0.5, 0.5, 0.5, 0.5]"),
            (E("The rating has 5 numbers, expected 6 (overall and five criteria).", RATING),),
            kept=False,
        ),
        Case(
            "rating-7",
            f"{P}/broken/rating-7.md",
            review(ref="rating-7", rating="[3.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]"),
            (E("The rating has 7 numbers, expected 6 (overall and five criteria).", RATING),),
            kept=False,
        ),
        Case(
            "rating-string",
            f"{P}/broken/rating-string.md",
            review(ref="rating-string", rating='[2.5, "0.5", 0.5, 0.5, 0.5, 0.5]'),
            (E("The rating's entry 2 is the text '0.5'; each entry must be a plain number.", RATING),),
            kept=False,
        ),
        Case(
            "rating-negative",
            f"{P}/broken/rating-negative.md",
            review(ref="rating-negative", rating="[1.5, -0.5, 0.5, 0.5, 0.5, 0.5]"),
            (E("The rating's entry 2 is -0.5; each of the five criteria must be between 0 and 1.", RATING),),
            kept=False,
        ),
        Case(
            "rating-above-1",
            f"{P}/broken/rating-above-1.md",
            review(ref="rating-above-1", rating="[3.5, 0.5, 0.5, 1.5, 0.5, 0.5]"),
            (E("The rating's entry 4 is 1.5; each of the five criteria must be between 0 and 1.", RATING),),
            kept=False,
        ),
        Case(
            "rating-nan",
            f"{P}/broken/rating-nan.md",
            review(ref="rating-nan", rating="[2.5, 0.5, .nan, 0.5, 0.5, 0.5]"),
            (E("The rating's entry 3 is NaN (not a number); each entry must be a plain number.", RATING),),
            kept=False,
        ),
        Case(
            "rating-inf",
            f"{P}/broken/rating-inf.md",
            review(ref="rating-inf", rating="[1.0e+400, 0.5, 0.5, 0.5, 0.5, 0.5]"),
            (E("The rating's entry 1 is infinite; each entry must be a plain number.", RATING),),
            kept=False,
        ),
        Case(
            "rating-bigint",
            f"{P}/broken/rating-bigint.md",
            review(ref="rating-bigint", rating=f"[{'9' * 400}, 0.5, 0.5, 0.5, 0.5, 0.5]"),
            (E("The rating's entry 1 is a number with over 20 digits; each entry must be a plain number.", RATING),),
            kept=False,
        ),
        Case(
            "rating-laughs",
            f"{P}/broken/rating-laughs.md",
            with_head(laughs(), ref="rating-laughs", rating="[*lol9, 0.5, 0.5, 0.5, 0.5, 0.5]"),
            (E("The rating's entry 1 is a list; each entry must be a plain number.", RATING + 10),),
            kept=False,
        ),
        # --- bytes that are not a review
        Case("empty-file", f"{P}/broken/empty.md", b"", (E("The file is empty."),), kept=False),
        Case("blank-file", f"{P}/broken/blank.md", "\n  \n\t\n", (E("The file is empty."),), kept=False),
        Case(
            "binary-file",
            f"{P}/broken/binary.md",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
            (E("The file is binary data, not text."),),
            kept=False,
        ),
        Case(
            "nul-in-utf8",
            f"{P}/broken/nul.md",
            review(ref="nul").encode() + b"\x00\x00",
            (E("The file holds NUL bytes, so it looks binary, not like a text file."),),
            kept=False,
        ),
        Case(
            "50-megabytes",
            f"{P}/broken/fifty-mb.md",
            _sparse(50 * 1024 * 1024),
            (E("The file is 50.0 MB, larger than the 8 MB a review may be."),),
            kept=False,
        ),
        # --- kept, with warnings
        Case(
            "shift-jis",
            "_products/ja/legacy/shift-jis.md",
            ja_review(ref="shift-jis").encode("shift_jis"),
            (W("The file is not UTF-8; it was read as Shift_JIS."),),
        ),
        Case(
            "euc-jp",
            "_products/ja/legacy/euc-jp.md",
            ja_review(ref="euc-jp").encode("euc_jp"),
            (W("The file is not UTF-8; it was read as EUC-JP."),),
        ),
        Case(
            "latin-1",
            f"{P}/legacy/latin-1.md",
            review(ref="latin-1", title='"Café Crème Review"', summary='"Très élégant, déjà vu."').encode("latin-1"),
            (W("The file is not UTF-8; it was read as Latin-1."),),
        ),
        Case(
            "utf-16",
            f"{P}/legacy/utf-16.md",
            review(ref="utf-16").encode("utf-16"),
            (W("The file is not UTF-8; it was read as UTF-16."),),
        ),
        Case(
            "overall-not-sum",
            f"{P}/warn/overall.md",
            review(ref="overall", rating="[4.5, 0.5, 0.5, 0.5, 0.5, 0.5]"),
            (W("The overall rating 4.5 is not the sum of the five criteria (2.50).", RATING),),
        ),
        Case(
            "impossible-date",
            f"{P}/warn/date.md",
            review(ref="date", date="2025-13-45"),
            (W("The date '2025-13-45' is not a real calendar date (expected YYYY-MM-DD).", DATE),),
        ),
        Case(
            "price-dollar",
            f"{P}/warn/price-dollar.md",
            review(ref="price-dollar", price='"$80"'),
            (W("The price '$80' is not a plain number; it is ignored.", PRICE),),
        ),
        Case(
            "price-yen",
            "_products/ja/warn/price-yen.md",
            ja_review(ref="price-yen", price='"¥20,800"'),
            (W("The price '¥20,800' is not a plain number; it is ignored.", PRICE),),
        ),
        Case(
            "price-na",
            f"{P}/warn/price-na.md",
            review(ref="price-na", price="N/A"),
            (W("The price 'N/A' is not a plain number; it is ignored.", PRICE),),
        ),
        Case(
            "price-negative",
            f"{P}/warn/price-negative.md",
            review(ref="price-negative", price="-80"),
            (W("The price -80 is negative; it is ignored.", PRICE),),
        ),
        Case(
            "price-inf",
            f"{P}/warn/price-inf.md",
            review(ref="price-inf", price="1.0e+400"),
            (W("The price is infinite, not a plain number; it is ignored.", PRICE),),
        ),
        Case(
            "tags-string",
            f"{P}/warn/tags-string.md",
            review(ref="tags-string", tags='"Headphones, Test"'),
            (W("The tags are a single string, not a list; they were split at commas.", TAGS),),
        ),
        Case(
            "title-10000",
            f"{P}/warn/title-10000.md",
            review(ref="title-10000", title=huge_title),
            (W("The title is 10,000 characters long, which is unusually large.", TITLE),),
        ),
        Case(
            "tags-5000",
            f"{P}/warn/tags-5000.md",
            review(ref="tags-5000", tags=many_tags),
            (W("The review has 5,000 tags, which is unusually many.", TAGS),),
        ),
        Case(
            "duplicate-key",
            f"{P}/warn/duplicate-key.md",
            review(ref="duplicate-key", zz_title='"Second title"').replace("zz_title", "title"),
            (
                W(
                    "The key 'title' appears more than once in the front matter (first on line 3); "
                    "the last value is used.",
                    PERMALINK + 1,
                ),
            ),
        ),
        Case(
            "laughs-everywhere",
            f"{P}/warn/laughs.md",
            with_head(
                laughs(), ref="laughs", date="*lol9", price="*lol9", layout="*lol9", tags="*lol9", summary="*lol9"
            ),
            (
                W("The layout is a list, neither product nor company; read as a product.", LAYOUT + 10),
                W("The date is a list, not a date (expected YYYY-MM-DD).", DATE + 10),
                W("The price is a list, not a plain number; it is ignored.", PRICE + 10),
                W("The summary is a list, not text; it is ignored.", SUMMARY + 10),
                W("10 of the tags are lists or mappings, not words; ignored.", TAGS + 10),
            ),
        ),
        Case(
            "unknown-layout",
            f"{P}/warn/layout.md",
            review(ref="layout", layout="post"),
            (W("The layout 'post' is neither product nor company; read as a product.", LAYOUT),),
        ),
        Case(
            "lang-xx",
            f"{P}/warn/lang.md",
            review(ref="lang", lang="xx"),
            (W("The lang 'xx' is not en or ja; it is treated as en.", LANG),),
        ),
        Case(
            "score-line-disagrees",
            f"{P}/warn/score.md",
            front(ref="score") + body(scores=(0.5, 0.9, 0.5, 0.5, 0.5)),
            (W("The section's score line says 0.9 but the rating list gives 0.5.", BODY + 13),),
        ),
        Case(
            "score-line-inf",
            f"{P}/warn/score-inf.md",
            front(ref="score-inf") + body(scores=(0.5, 0.5, "inf", 0.5, 0.5)),
            (  # type: ignore[arg-type]
                W("The score line holds 'inf', which is not a number.", BODY + 19),
            ),
        ),
        Case(
            "hostile-heading",
            f"{P}/warn/hostile-heading.md",
            review(ref="hostile-heading") + f"\n## {HOSTILE}\n\nbody\n",
            (W(f"The heading {HOSTILE_CLEAN[:60]!r} is not one of the review's known sections.", 58),),
        ),
        Case(
            "many-warnings",
            f"{P}/warn/many.md",
            review(ref="many") + "".join(f"\n## Extra {i}\n" for i in range(100)),
            (
                *(
                    W(f"The heading 'Extra {i}' is not one of the review's known sections.", 58 + 2 * i)
                    for i in range(30)
                ),
                W("70 more warnings about this file are not listed."),
            ),
            expect_more=70,
        ),
        # --- accepted silently
        Case("bom", f"{P}/quiet/bom.md", b"\xef\xbb\xbf" + review(ref="bom").encode()),
        Case("crlf", f"{P}/quiet/crlf.md", review(ref="crlf").replace("\n", "\r\n").encode()),
        Case(
            "bom-crlf",
            f"{P}/quiet/bom-crlf.md",
            b"\xef\xbb\xbf" + review(ref="bom-crlf").replace("\n", "\r\n").encode(),
        ),
        Case("hostile-fields", f"{P}/hostile/hostile-fields.md", _hostile_review()),
        Case("hostile-name", f"{P}/hostile/\x1b[31mevil\u202e name.md", review(ref="hostile-name")),
        # A broken file with an OSC 52 clipboard write and a bidi override in its name: its problem names it.
        Case(
            "hostile-name-broken",
            f"{P}/hostile/\x1b]52;c;aGk=\x07clip\u202e.md",
            "no front matter\n",
            (E("The file has no front matter: its first line should be three dashes (---).", 1),),
            kept=False,
        ),
        Case("deep-folders", f"{P}/deep/" + "/".join(["d"] * 60) + "/deep.md", review(ref="deep")),
        Case("in-folder-named-md", f"{P}/folders/x.md/inside.md", review(ref="inside")),
    ]
    return cases


def _hostile_review() -> str:
    q = yaml_quoted(HOSTILE)
    text = front(
        ref="hostile-fields",
        title=q,
        target_name=q,
        summary=q,
        tags=f"[{q}, plain]",
        permalink=q,
    )
    return text + body().replace("Some words about", f"{HOSTILE}\nSome words about").replace(
        "[1] Acme", "[1] javascript:alert(1) file:///etc/passwd\n[2] Acme"
    )


def _sparse(size: int) -> Maker:
    def make(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(review(ref="fifty-mb").encode())
            handle.truncate(size)

    return make


def _special_cases(root: Path) -> list[Case]:
    """Links, pipes, permissions and odd names: made with OS calls, adapted to the platform."""
    cases: list[Case] = []
    broken = f"{P}/special"

    def link(target: str) -> Maker:
        def make(path: Path) -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, path)

        return make

    if hasattr(os, "symlink") and sys.platform != "win32":
        cases += [
            Case(
                "dangling-symlink",
                f"{broken}/dangling.md",
                link("nowhere.md"),
                (E("This is a symbolic link to 'nowhere.md', which does not exist."),),
                kept=False,
            ),
            Case(
                "symlink-loop-file",
                f"{broken}/loop.md",
                link("loop.md"),
                (E("This is a symbolic link that loops back on itself."),),
                kept=False,
            ),
            # A folder linking to its parent: the walk must neither loop nor index anything twice.
            Case("symlink-loop-folder", f"{broken}/again", link(".."), counted=False),
            # A folder linking outside the collection is not followed (it could be `/`).
            Case(
                "symlink-outside",
                f"{broken}/outside",
                link(str(outside_of(root))),
                (W("This folder is a symbolic link to a place outside the collection; it was not followed."),),
                counted=False,
            ),
            Case(
                "symlink-to-good-file",
                f"{broken}/alias.md",
                link("../good/good-01.md"),
                (
                    W(
                        "Another file, _products/en/good/good-01.md, already has ref 'good-01' in en; "
                        "this one is not linked as a twin."
                    ),
                ),
            ),
        ]
    if hasattr(os, "mkfifo"):

        def fifo(path: Path) -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.mkfifo(path)

        cases.append(
            Case(
                "fifo", f"{broken}/pipe.md", fifo, (E("This is a named pipe, not a file; it was skipped."),), kept=False
            )
        )

    def unreadable(path: Path) -> None:
        write(path.parent, path.name, review(ref="unreadable"))
        path.chmod(0)

    if sys.platform != "win32" and os.geteuid() == 0:
        # Permission bits do not stop root (CI runs tests as root): the file reads fine.
        cases.append(
            Case(
                "unreadable",
                f"{broken}/unreadable.md",
                unreadable,
                note="running as root: permission bits do not stop reads, so the file is indexed",
            )
        )
    elif sys.platform != "win32":
        cases.append(
            Case(
                "unreadable",
                f"{broken}/unreadable.md",
                unreadable,
                (E("The file could not be read: Permission denied."),),
                kept=False,
            )
        )

    if sys.platform.startswith("linux"):  # names are bytes there; elsewhere they must be valid Unicode

        def latin_name(path: Path) -> None:
            folder = os.fsencode(root / P / "names")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, b"caf\xe9.md"), "wb") as handle:
                handle.write(review(ref="latin-name").encode())

        # Not valid UTF-8: the name could not be stored, printed or shown; the problem names it with U+FFFD.
        bad_name = "The file's name (or a folder's on its path) is not valid UTF-8; rename it to have the file indexed."
        cases.append(Case("latin-1-file-name", f"{P}/names/caf\ufffd.md", latin_name, (E(bad_name),), kept=False))
    # Same ref and lang as good-02 in another company's folder: kept, not linked as a twin.
    cases.append(
        Case(
            "duplicate-ref",
            f"{P}/zz-dupe/good-02-copy.md",
            review(ref="good-02"),
            (
                W(
                    "Another file, _products/en/good/good-02.md, already has ref 'good-02' in en; "
                    "this one is not linked as a twin."
                ),
            ),
        )
    )
    return cases


def _good_cases() -> list[Case]:
    """Plain good reviews: every one must be indexed with no problem."""
    cases = [
        Case(
            f"good-{i:02}",
            f"{P}/good/good-{i:02}.md",
            review(ref=f"good-{i:02}", company_id="good", title=f'"Good {i} Review"', target_name=f'"Good {i}"'),
        )
        for i in range(1, 11)
    ]
    cases.append(
        Case(
            "good-ja-twin",
            "_products/ja/good/good-01.md",
            ja_review(ref="good-01", company_id="good", title='"良い製品 1 のレビュー"'),
        )
    )
    cases.append(
        Case(
            "good-company",
            "_companies/en/good.md",
            review(
                layout="company", ref="good", company_id="good", title='"Good Inc. Review"', target_name='"Good Inc."'
            ),
        )
    )
    return cases


def outside_of(root: Path) -> Path:
    """A folder beside the collection, holding a review that must never be indexed."""
    return root.parent / f"{root.name}-outside"


@dataclass
class Corpus:
    root: Path
    cases: list[Case]

    @property
    def kept(self) -> list[Case]:
        return [c for c in self.cases if c.kept and c.counted]

    @property
    def counted(self) -> list[Case]:
        return [c for c in self.cases if c.counted]

    def case(self, name: str) -> Case:
        return next(c for c in self.cases if c.name == name)


def build(root: Path) -> Corpus:
    """Write every case under `root` (created if needed) and return them."""
    root.mkdir(parents=True, exist_ok=True)
    outside = outside_of(root)
    write(outside, "_products/en/outside/outside.md", review(ref="outside"))
    cases = _good_cases() + _cases() + _special_cases(root)
    for case in cases:
        path = root / case.rel
        if callable(case.content):
            case.content(path)
        else:
            write(root, case.rel, case.content)
    return Corpus(root, cases)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.hostile.corpus FOLDER", file=sys.stderr)
        return 2
    corpus = build(Path(argv[0]))
    kept = len(corpus.kept)
    print(f"{len(corpus.cases)} cases written to {corpus.root}; {kept} reviews should be indexed.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
