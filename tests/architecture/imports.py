"""Reads a package's import graph from its source with `ast`, for the architecture tests.

Every import counts wherever it sits (inside functions, classes, `try`), because an import run
late still ties two modules together; only the body of an `if TYPE_CHECKING:` block is left
out, since it never runs. The checks take any package folder, so the tests can feed them a
small synthetic package and prove that each one catches what it is for.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: Calls that import a module named by a string, hiding the import from the graph.
DYNAMIC_IMPORTS = ("import_module", "__import__")


@dataclass(frozen=True, slots=True)
class Module:
    name: str
    path: Path

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"


@dataclass(frozen=True, slots=True)
class Import:
    """`importer` imports `imported` (a module of the package) at `line`; `names` are the
    names the statement takes from it (`from m import a, b`), empty for `import m`."""

    importer: str
    imported: str
    line: int
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule broken at one place, said in a line a reader can act on."""

    module: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.text}"


def modules_of(package_dir: Path) -> dict[str, Module]:
    """Every module of the package in `package_dir`, by dotted name (the folder's name first)."""
    base = package_dir.name
    found: dict[str, Module] = {}
    for path in sorted(package_dir.rglob("*.py")):
        relative = path.relative_to(package_dir).with_suffix("")
        if any(not part.isidentifier() for part in relative.parts):
            continue  # not importable (a snapshot folder, a script with a dash)
        parts = [base, *relative.parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = Module(".".join(parts), path)
    return found


def line_counts(modules: dict[str, Module]) -> dict[str, int]:
    """Lines as `wc -l` counts them: newline characters."""
    return {name: module.path.read_bytes().count(b"\n") for name, module in modules.items()}


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node that can run: all of them but the bodies of `if TYPE_CHECKING:`."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _absolute(module: Module, level: int, target: str | None) -> str:
    """The dotted name a relative import (`from ..x import y`) means inside `module`."""
    parts = module.name.split(".")
    if not module.is_package:
        parts.pop()
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, target] if target else parts)


def _deepest(name: str, modules: dict[str, Module]) -> str | None:
    """The module of the package that `name` (a module or a name inside one) lives in."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def parse(module: Module) -> ast.Module:
    return ast.parse(module.path.read_bytes(), filename=str(module.path))


def imports_of(module: Module, modules: dict[str, Module]) -> list[Import]:
    """The imports of modules of the package that `module` runs, nested ones included.

    `from pkg import sub` imports the module `pkg.sub` when there is one; `from pkg import name`
    imports `pkg` (its `__init__`). Importing a module runs its parent packages too, but that
    edge is not counted: every submodule would form a cycle with a package that imports it.
    """
    found: list[Import] = []
    for node in _runtime_nodes(parse(module)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _deepest(alias.name, modules)
                if target is not None:
                    found.append(Import(module.name, target, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, node.level, node.module) if node.level else (node.module or "")
            plain: list[str] = []
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    found.append(Import(module.name, f"{base}.{alias.name}", node.lineno))
                else:
                    plain.append(alias.name)
            target = _deepest(base, modules)
            if plain and target is not None:
                found.append(Import(module.name, target, node.lineno, tuple(plain)))
    return found


def import_graph(modules: dict[str, Module]) -> list[Import]:
    edges = (edge for module in modules.values() for edge in imports_of(module, modules))
    return [edge for edge in edges if edge.imported != edge.importer]


@dataclass(frozen=True, slots=True)
class Cycle:
    """A knot of modules that import each other, and one shortest cycle through it as the
    imports that make it, so a failure names the lines to change."""

    knot: tuple[str, ...]
    path: tuple[Import, ...]

    def __str__(self) -> str:
        steps = " -> ".join(edge.importer for edge in self.path) + f" -> {self.path[0].importer}"
        where = "\n".join(f"      {edge.importer}:{edge.line} imports {edge.imported}" for edge in self.path)
        others = sorted(set(self.knot) - {edge.importer for edge in self.path})
        tied = f"\n    also in this knot: {', '.join(others)}" if others else ""
        return f"{steps}\n{where}{tied}"


def find_cycles(edges: list[Import]) -> list[Cycle]:
    """Every knot (strongly connected group) of the import graph, with a cycle through it."""
    graph: dict[str, dict[str, Import]] = {}
    for edge in edges:
        graph.setdefault(edge.importer, {}).setdefault(edge.imported, edge)
    cycles = [Cycle(tuple(sorted(knot)), tuple(_shortest_cycle(graph, knot, min(knot)))) for knot in _knots(graph)]
    return sorted(cycles, key=lambda cycle: cycle.knot)


def _knots(graph: dict[str, dict[str, Import]]) -> list[set[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    knots: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph.get(root, {}))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    knot: set[str] = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        knot.add(member)
                        if member == node:
                            break
                    if len(knot) > 1:
                        knots.append(knot)
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, {})))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return knots


def _shortest_cycle(graph: dict[str, dict[str, Import]], knot: set[str], start: str) -> list[Import]:
    """Breadth first from `start` back to itself, inside the knot."""
    came_from: dict[str, Import] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for target, edge in sorted(graph.get(node, {}).items()):
                if target not in knot:
                    continue
                if target == start:
                    path = [edge]
                    while path[0].importer != start:
                        path.insert(0, came_from[path[0].importer])
                    return path
                if target not in came_from:
                    came_from[target] = edge
                    following.append(target)
        frontier = following
    raise AssertionError(f"{start} is in a knot but reaches no cycle")  # Tarjan guarantees one


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(modules: dict[str, Module]) -> list[Finding]:
    """Private names one module takes from another: `from m import _x`, `import m._x`, and
    `m._x` read through a name bound to one of the package's modules."""
    findings: list[Finding] = []
    for module in modules.values():
        tree = parse(module)
        bound: dict[str, str] = {}  # local name -> module of the package it stands for
        for edge_node in _runtime_nodes(tree):
            if isinstance(edge_node, ast.ImportFrom):
                base = _absolute(module, edge_node.level, edge_node.module) if edge_node.level else edge_node.module
                if base is None or _deepest(base, modules) is None:
                    continue
                for alias in edge_node.names:
                    if f"{base}.{alias.name}" in modules:
                        bound[alias.asname or alias.name] = f"{base}.{alias.name}"
                    if _is_private(alias.name) and base != module.name:
                        findings.append(Finding(module.name, edge_node.lineno, f"imports private {base}.{alias.name}"))
            elif isinstance(edge_node, ast.Import):
                for alias in edge_node.names:
                    if _deepest(alias.name, modules) is None:
                        continue
                    if any(_is_private(part) for part in alias.name.split(".")):
                        findings.append(Finding(module.name, edge_node.lineno, f"imports private module {alias.name}"))
                    if alias.asname:
                        bound[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in bound
                and _is_private(node.attr)
                and bound[node.value.id] != module.name
            ):
                findings.append(Finding(module.name, node.lineno, f"reads private {bound[node.value.id]}.{node.attr}"))
    return sorted(findings, key=lambda f: (f.module, f.line, f.text))


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _names_ours(node: ast.expr | None, package: str) -> bool:
    """Whether a module name given as an expression may be one of the package's: a literal that
    starts with it or with a dot, or anything computed (which hides what it names)."""
    text = _string(node)
    if text is None:
        return True
    return text == package or text.startswith((f"{package}.", "."))


def _is_sys_modules(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "modules"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def hidden_imports(modules: dict[str, Module], package: str) -> list[Finding]:
    """Imports of the package's modules that the import graph cannot see: `import_module(...)`,
    `__import__(...)` and `sys.modules` lookups naming one of them (or a computed name)."""
    findings: list[Finding] = []
    for module in modules.values():
        for node in ast.walk(parse(module)):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if called in DYNAMIC_IMPORTS and node.args and _names_ours(node.args[0], package):
                    findings.append(Finding(module.name, node.lineno, f"{called}() of {ast.unparse(node.args[0])}"))
                elif (
                    isinstance(func, ast.Attribute)
                    and _is_sys_modules(func.value)
                    and func.attr in ("get", "pop", "setdefault")
                    and node.args
                    and _names_ours(node.args[0], package)
                ):
                    key = ast.unparse(node.args[0])
                    findings.append(Finding(module.name, node.lineno, f"sys.modules.{func.attr}({key})"))
            elif isinstance(node, ast.Subscript) and _is_sys_modules(node.value) and _names_ours(node.slice, package):
                findings.append(Finding(module.name, node.lineno, f"sys.modules[{ast.unparse(node.slice)}]"))
            elif (
                isinstance(node, ast.Compare)
                and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
                and any(_is_sys_modules(c) for c in node.comparators)
                and _names_ours(node.left, package)
            ):
                findings.append(Finding(module.name, node.lineno, f"{ast.unparse(node)}"))
    return sorted(findings, key=lambda f: (f.module, f.line, f.text))


#: Underscore names of other packages that are documented public API.
PUBLIC_UNDERSCORE = frozenset({"os._exit"})


def foreign_private_apis(modules: dict[str, Module], package: str) -> list[Finding]:
    """Private modules and names of the standard library or of a dependency that the package
    uses: `import _thread`, `from _sha1 import sha1`, `from textual.x import _y`, `atexit._ncallbacks`.
    They change without notice between versions; a public API does the same job."""
    findings: list[Finding] = []
    for module in modules.values():
        tree = parse(module)
        bound: dict[str, str] = {}  # local name -> the foreign module it stands for
        for node in _runtime_nodes(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == package:
                        continue
                    if any(_is_private(part) for part in alias.name.split(".")):
                        findings.append(Finding(module.name, node.lineno, f"imports private module {alias.name}"))
                    top = alias.name.split(".")[0]
                    bound[alias.asname or top] = alias.name if alias.asname else top
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                if node.module.split(".")[0] in (package, "__future__"):
                    continue
                if any(_is_private(part) for part in node.module.split(".")):
                    findings.append(Finding(module.name, node.lineno, f"imports from private module {node.module}"))
                    continue
                for alias in node.names:
                    name = f"{node.module}.{alias.name}"
                    if _is_private(alias.name) and name not in PUBLIC_UNDERSCORE:
                        findings.append(Finding(module.name, node.lineno, f"imports private {name}"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound:
                name = f"{bound[node.value.id]}.{node.attr}"
                if _is_private(node.attr) and name not in PUBLIC_UNDERSCORE:
                    findings.append(Finding(module.name, node.lineno, f"reads private {name}"))
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr")
                and len(node.args) >= 2
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id in bound
                and _is_private(_string(node.args[1]) or "")
            ):
                name = f"{bound[node.args[0].id]}.{_string(node.args[1])}"
                findings.append(Finding(module.name, node.lineno, f"reads private {name}"))
    return sorted(findings, key=lambda f: (f.module, f.line, f.text))
