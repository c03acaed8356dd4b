"""The shape of the house, read from the source (AST, every import including those inside functions).

- No import cycle between modules of ``wingrant/``, and none between its packages.
- Imports point down the layers: infrastructure at the bottom, then the ledger that the features
  book into, then applications → meetings → minutes → public → api. The entry points (the app
  factory, the command line, the demo data, maintenance, the model registry) may import anything;
  nothing imports them.
- No module over 400 lines (migrations are not in ``wingrant/``).

A new package must be given a layer here: that is the moment to decide where it belongs
(docs/architecture.md says how).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "wingrant"

#: Bottom first. A module may import its own layer (without cycles) and the layers below.
LAYERS: list[tuple[str, set[str]]] = [
    ("infrastructure", {"config", "paths", "extensions", "database", "errors", "money", "fields", "core",
                        "neighbourhoods", "audit", "auth", "mail", "subscriptions"}),
    ("ledger", {"ledger"}),
    ("applications", {"organisations", "applications", "imports", "applicant", "funding"}),
    ("meetings", {"meetings"}),
    ("concerns", {"concerns"}),
    ("minutes", {"minutes"}),
    ("public", {"public", "home", "administration"}),
    ("api", {"api"}),
]
#: May import anything (each other too); no feature may import them.
ENTRY_POINTS = {"", "cli", "commands", "demo", "maintenance", "models"}
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


@cache
def _imports() -> dict[str, frozenset[str]]:
    """Module → the wingrant modules it imports (``from x import name`` counts as x.name where that
    is a module, else as x)."""
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    candidate = f"{target}.{alias.name}"
                    found.add(candidate if candidate in modules else target)
        graph[name] = frozenset(m for m in found if m in modules and m != name)
    return graph


def _feature(module: str) -> str:
    """``wingrant.ledger.queries`` → ``ledger``; ``wingrant.money`` → ``money``; the root → ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _cycles(graph: dict[str, set[str]] | dict[str, frozenset[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def test_cycle_finder_finds_a_cycle_and_nothing_else():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_another_that_imports_it_back():
    cycles = _cycles(_imports())
    assert cycles == [], "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def test_no_package_imports_another_that_imports_it_back():
    packages: dict[str, set[str]] = {}
    for module, targets in _imports().items():
        packages.setdefault(_feature(module), set()).update(
            _feature(t) for t in targets if _feature(t) != _feature(module))
    cycles = _cycles(packages)
    assert cycles == [], "package cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def test_every_package_has_a_layer():
    known = set(ENTRY_POINTS).union(*(members for _name, members in LAYERS))
    unknown = {_feature(m) for m in _modules()} - known
    assert unknown == set(), f"give these a layer in tests/test_architecture.py: {sorted(unknown)}"


def test_imports_point_down_the_layers():
    layer = {member: rank for rank, (_name, members) in enumerate(LAYERS) for member in members}
    upward = []
    for module, targets in sorted(_imports().items()):
        source = _feature(module)
        for target in sorted(targets):
            destination = _feature(target)
            if destination in ENTRY_POINTS and source not in ENTRY_POINTS:
                upward.append(f"{module} → {target} (an entry point)")
            elif source in layer and destination in layer and layer[destination] > layer[source]:
                upward.append(f"{module} ({LAYERS[layer[source]][0]}) → {target} ({LAYERS[layer[destination]][0]})")
    assert upward == [], "imports up the layers:\n" + "\n".join(upward)


def test_every_folder_of_code_is_a_regular_package():
    """A folder without ``__init__.py`` imports here (namespace package) but is left out of a wheel."""
    folders = {p.parent for p in PACKAGE.rglob("*.py")}
    assert sorted(str(f) for f in folders if not (f / "__init__.py").exists()) == []


def test_no_module_is_over_400_lines():
    long = {name: n for name, path in _modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split these (more than {MAX_LINES} lines): {long}"
