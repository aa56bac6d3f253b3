"""Validation of a review against the format: its front matter's fields, then its body."""

from __future__ import annotations

from typing import Any

from reviewtui.core.format.checker import Checker
from reviewtui.core.format.fields import HUGE_TEXT, read_date, read_price, read_rating, read_tags, text_field
from reviewtui.core.format.handlers import describe
from reviewtui.core.format.sections import SECTION_ORDER, Body, split_body
from reviewtui.core.model import CRITERIA, CRITERION_NAMES, Kind, Rating, Review
from reviewtui.core.text import clean, script_of

HUGE_SUMMARY = 5000
SCORE_TOLERANCE = 0.05
#: A language neither the front matter nor the path gives is guessed from the body's first characters.
LANG_GUESS = 2000
_NO_BODY = Body([], [], [], "")


def path_hints(path: str) -> dict[str, str]:
    """What the real layout's path tells: kind, lang, company_id and ref (the file stem)."""
    parts = [part for part in path.split("/") if part and part != "."]  # as PurePosixPath(path).parts
    name = parts[-1] if parts else ""
    dot = name.rfind(".")
    stem = name[:dot] if 0 < dot < len(name) - 1 else name  # as PurePosixPath(path).stem
    hints: dict[str, str] = {"ref": stem}
    for index, part in enumerate(parts[:-1]):
        if part in ("_products", "_companies"):
            hints["kind"] = "product" if part == "_products" else "company"
            rest = parts[index + 1 : -1]
            if rest and rest[0] in ("en", "ja"):
                hints["lang"] = rest[0]
                rest = rest[1:]
            if hints["kind"] == "product" and rest:
                hints["company_id"] = rest[0]
            elif hints["kind"] == "company":
                hints["company_id"] = stem
            break
    return hints


def build_review(meta: dict[str, Any], key_lines: dict[str, int], body: str, body_line: int, check: Checker) -> Review:
    hints = path_hints(check.path)
    line = key_lines.get

    title = text_field(meta, "title")
    target = text_field(meta, "target_name")
    if meta.get("title") is None and meta.get("target_name") is None:
        check.add("error", "The front matter has neither a title nor a target_name.", None)
    else:
        for name, value in (("title", title), ("target_name", target)):
            raw = meta.get(name)
            if raw is None:
                check.add("error", f"The front matter has no {name}.", None)
            elif value is None:
                what = "empty" if isinstance(raw, str) else f"{describe(raw)}, not text"
                check.add("error", f"The {name} is {what}.", line(name))
    for name, value in (("title", title), ("target_name", target)):
        if value and len(value) > HUGE_TEXT:
            check.add("warning", f"The {name} is {len(value):,} characters long, which is unusually large.", line(name))

    rating = read_rating(meta.get("rating"), line("rating"), check)

    kind = _kind(meta.get("layout"), hints, line("layout"), check)
    lang = _derived(meta, "lang", hints, line, check)
    if lang not in ("en", "ja"):
        guess = hints.get("lang")
        if not guess:
            check.lang_from_body = True
            guess = script_of(f"{title} {text_field(meta, 'summary') or ''} {body[:LANG_GUESS]}") or "en"
        if "lang" in meta:
            shown = f"The lang {lang[:40]!r} is" if lang is not None else f"The lang is {describe(meta['lang'])},"
            check.add("warning", f"{shown} not en or ja; it is treated as {guess}.", line("lang"))
        lang = guess
    company_id = _derived(meta, "company_id", hints, line, check) or ""
    ref = _derived(meta, "ref", hints, line, check) or hints["ref"]
    if kind == "company" and not company_id:
        company_id = ref

    date = read_date(meta.get("date"), line("date"), check)
    price = read_price(meta.get("price"), lang, line("price"), check)
    tags = read_tags(meta.get("tags"), line("tags"), check)
    for key in ("summary", "permalink"):
        raw = meta.get(key)
        if raw is not None and not isinstance(raw, str) and text_field(meta, key) is None:
            check.add("warning", f"The {key} is {describe(raw)}, not text; it is ignored.", line(key))
    summary = text_field(meta, "summary") or ""
    if len(summary) > HUGE_SUMMARY:
        check.add(
            "warning", f"The summary is {len(summary):,} characters long, which is unusually large.", line("summary")
        )
    permalink = text_field(meta, "permalink") or ""

    check.rating = rating
    parsed = split_body(body, body_line) if check.body else _NO_BODY
    if check.body:
        check_body(parsed, rating, check)

    return Review(
        path=check.path,
        kind=kind,
        lang=lang,
        ref=ref,
        company_id=company_id,
        title=title or "",
        target_name=target or "",
        date=date,
        rating=rating or Rating(0.0, (0.0, 0.0, 0.0, 0.0, 0.0)),
        price=price,
        summary=summary,
        tags=tags,
        permalink=permalink,
        sections=tuple(parsed.sections),
        references=tuple(parsed.references),
    )


def _derived(meta: dict[str, Any], key: str, hints: dict[str, str], line: Any, check: Checker) -> str | None:
    value = text_field(meta, key)
    if value is not None:
        return value
    raw = meta.get(key)
    missing = f"The front matter has no {key}" if raw is None else f"The {key} is {describe(raw)}, not text"
    hint = hints.get(key)
    if hint is not None:
        check.add("warning", f"{missing}; {hint!r} was taken from the file's path.", line(key) if raw else None)
        return hint
    if key == "lang":  # the caller guesses the language and says so when a lang was given
        return None
    check.add("warning", f"{missing}, and the file's path does not give one.", line(key) if raw else None)
    return None


def _kind(value: Any, hints: dict[str, str], line: int | None, check: Checker) -> Kind:
    if value in ("product", "company"):
        return "product" if value == "product" else "company"
    fallback: Kind = "company" if hints.get("kind") == "company" else "product"
    if value is None:
        if "kind" not in hints:
            check.add("warning", f"The front matter has no layout; the review is read as a {fallback}.", None)
    else:
        what = f"{clean(value)[:40]!r} is" if isinstance(value, str) else f"is {describe(value)},"
        shown = f"The layout {what}"
        check.add("warning", f"{shown} neither product nor company; read as a {fallback}.", line)
    return fallback


def check_body(parsed: Body, rating: Rating | None, check: Checker) -> None:
    """The body's problems, after the front matter's."""
    if rating is not None:
        _check_scores(parsed.score_lines, rating, check)
    _check_headings(parsed.sections, len(parsed.references), check)


def _check_scores(score_lines: list[Any], rating: Rating, check: Checker) -> None:
    criteria = dict(zip(CRITERIA, rating.criteria, strict=True))
    everything = (rating.overall, *rating.criteria)
    for score in score_lines:
        if score.value is None:
            check.add("warning", f"The score line holds {clean(score.raw)[:20]!r}, which is not a number.", score.line)
            continue
        expected = criteria.get(score.section_key or "")
        if expected is not None:
            if abs(expected - score.value) > SCORE_TOLERANCE:
                check.add(
                    "warning",
                    f"The section's score line says {score.value:g} but the rating list gives {expected:g}.",
                    score.line,
                )
        elif not any(abs(v - score.value) <= SCORE_TOLERANCE for v in everything):
            check.add(
                "warning", f"A score line says {score.value:g}, which matches nothing in the rating list.", score.line
            )


def _check_headings(sections: list[Any], reference_count: int, check: Checker) -> None:
    present = {s.key for s in sections if s.key}
    for section in sections:
        if section.key is None:
            check.add(
                "warning",
                f"The heading {section.heading[:60]!r} is not one of the review's known sections.",
                section.line,
            )
    names = {"overview": "Overview", **dict(zip(CRITERIA, CRITERION_NAMES["en"], strict=True)), "advice": "Advice"}
    for key in SECTION_ORDER:
        if key == "references":
            if key not in present:
                check.add("warning", "The review has no References section.", None)
            elif reference_count == 0:
                check.add("warning", "The References section is empty.", None)
        elif key not in present:
            check.add("warning", f"The review has no {names[key]} section.", None)
