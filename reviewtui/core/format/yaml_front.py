"""YAML front matter (`---`): the plain-lines fast path, else libyaml without the timestamp resolver."""

from __future__ import annotations

import re
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from reviewtui.core.format.frontmatter import load_simple_lines
from reviewtui.core.format.handlers import FrontMatterError, Loaded, ReviewHandler, describe
from reviewtui.core.text import clean

try:  # the C loader is ~8x faster; fall back to pure Python where libyaml is missing
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader


MAX_MERGED = 10_000
_MERGE_TAG = "tag:yaml.org,2002:merge"


class ReviewLoader(_Base):  # type: ignore[misc,valid-type]
    """SafeLoader without the timestamp resolver: dates stay strings and are checked by us
    (PyYAML raises ValueError, not YAMLError, on an impossible date).

    Merge keys (`<<: *anchor`) are bounded: before PyYAML 6.0.3 a few lines of nested merges
    expanded exponentially ("billion laughs" through merges). Plain aliases are safe: they load as
    shared objects, and the parser never turns a container into text (see `describe`)."""

    def flatten_mapping(self, node: Any) -> None:
        if any(key.tag == _MERGE_TAG for key, _ in node.value):
            sizes = self.__dict__.setdefault("merge_sizes", {})
            if _merged_size(node, sizes) > MAX_MERGED:
                raise yaml.constructor.ConstructorError(
                    None, None, f"its merge keys (<<) would copy more than {MAX_MERGED:,} entries", node.start_mark
                )
        super().flatten_mapping(node)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if "duplicates" not in self.__dict__:  # the first mapping built is the front matter itself
            self.duplicates = _duplicate_keys(node)
        return super().construct_mapping(node, deep=deep)


def _duplicate_keys(node: Any) -> list[tuple[str, int | None, int | None]]:
    """(key, line of its first use, line of the repeat), lines counted from 0 in the YAML."""
    seen: dict[str, int] = {}
    found: list[tuple[str, int | None, int | None]] = []
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode) and key.tag != _MERGE_TAG:
            if key.value in seen:
                found.append((key.value, seen[key.value], key.start_mark.line))
            else:
                seen[key.value] = key.start_mark.line
    return found


def _merged_size(node: Any, sizes: dict[int, int]) -> int:
    """How many entries a mapping holds once its merge keys are expanded (an upper bound)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = 0  # a mapping that merges itself adds nothing
    total = 0
    for key, value in node.value:
        if key.tag != _MERGE_TAG:
            total += 1
            continue
        for sub in value.value if isinstance(value, yaml.SequenceNode) else [value]:
            if isinstance(sub, yaml.MappingNode):
                total += _merged_size(sub, sizes)
        if total > MAX_MERGED:
            break
    sizes[id(node)] = total
    return total


ReviewLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in _Base.yaml_implicit_resolvers.items()
}

_OPENING = re.compile(r"---[ \t]*$", re.MULTILINE)
_KEY = re.compile(r"([A-Za-z_][\w-]*)\s*:")
_UNKNOWN_TAG = re.compile(r"could not determine a constructor for the tag '([^']*)'")


class YAMLFrontMatter(ReviewHandler, YAMLHandler):
    """`---` ... `---` (or `...`), as Jekyll writes it: the collection's own format."""

    name = "YAML"
    closing = "three dashes"
    # Only exactly three dashes open, as before python-frontmatter (`----` is a Markdown rule);
    # YAML's document end `...` closes too. `\s` would run across blank lines and move the lines.
    FM_BOUNDARY = re.compile(r"^(?:---[ \t]*|\.\.\.[^\S\n]*)$", re.MULTILINE)

    def detect(self, text: str) -> bool:
        return text.startswith("---") and _OPENING.match(text) is not None

    def read(self, head: str) -> Loaded:
        simple = load_simple_lines(head)
        if simple is not None:  # plain `key: value` lines, read exactly as YAML would, 4x faster
            return Loaded(simple[0], simple[1])
        meta, duplicates = _load_yaml(head)
        return Loaded({str(k): v for k, v in meta.items()}, _key_lines(head), duplicates)


def _load_yaml(head: str) -> tuple[dict[Any, Any], list[tuple[str, int | None, int | None]]]:
    loader = ReviewLoader(head)
    try:
        meta = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and exc.context and ("flow" in exc.context or "quoted" in exc.context):
            mark = exc.context_mark  # an unclosed `[`, `{` or quote: point where it opened, not where YAML gave up
        line = mark.line if mark is not None else None
        raise FrontMatterError(_yaml_message(exc, head, line), line) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow; libyaml counts UTF-8 bytes
        before = head.encode("utf-8", "surrogatepass")[: exc.position].count(b"\n")
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        raise FrontMatterError(
            f"The front matter holds the control character U+{code:04X}, which YAML does not allow "
            "(write it as an escape inside double quotes, or remove it).",
            before,
        ) from None
    except ValueError as exc:
        line = 0
        if "integer string conversion" in str(exc):  # Python refuses ints of more than 4,300 digits
            message = "The front matter holds a number with more than 4,300 digits, too long to read."
            digits = re.search(r"\d{4301}", head)
            line += head.count("\n", 0, digits.start()) if digits else 0
        else:
            message = f"The front matter is not valid YAML: {clean(str(exc))[:200]}."
        raise FrontMatterError(message, line) from None
    except (yaml.YAMLError, TypeError, OverflowError) as exc:
        raise FrontMatterError(f"The front matter is not valid YAML: {clean(str(exc))[:200]}.", 0) from None
    finally:
        loader.dispose()
    if meta is None:
        raise FrontMatterError("The front matter is empty.", -1)
    if not isinstance(meta, dict):
        raise FrontMatterError(f"The front matter is {describe(meta)}, not a set of `key: value` lines.", 0)
    return meta, loader.__dict__.get("duplicates", [])


def _yaml_message(exc: yaml.MarkedYAMLError, head: str, line: int | None) -> str:
    """A sentence for a YAML error; `line` counts from 0 in the YAML."""
    problem = exc.problem or exc.context or "it could not be parsed"
    tag = _UNKNOWN_TAG.search(problem)
    if tag:
        name = clean(tag.group(1).replace("tag:yaml.org,2002:", "!!"))[:80]
        return f"The front matter uses the YAML tag {name}, which a review may not use."
    if "unhashable key" in problem:
        return "The front matter uses a list or a mapping as a key; keys must be plain names."
    if "merge keys" in problem:
        return f"The front matter is not read: {problem}."
    if "nesting depth" in problem:
        return "The front matter is nested too deeply to read."
    text = head.split("\n")[line] if line is not None and 0 <= line < head.count("\n") + 1 else ""
    if "\t" in text and ("tab" in problem or "cannot start any token" in problem):
        return "The front matter is not valid YAML: it indents with a tab, and YAML allows only spaces."
    context = f" ({clean(exc.context)})" if exc.context and exc.problem else ""
    return f"The front matter is not valid YAML: {clean(problem)}{context}."


def _key_lines(head: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, line in enumerate(head.split("\n")):
        match = _KEY.match(line)
        if match and match.group(1) not in found:
            found[match.group(1)] = index
    return found
