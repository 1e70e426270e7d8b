"""The house's import rules, read from the source with ``ast``: no import cycle between our modules,
and the pure core and the rules import neither aiohttp nor asyncpg nor the rest of our code.

Imports inside functions count (they still run); ``if TYPE_CHECKING:`` blocks do not (they never
run). See ARCHITECTURE.md for what each folder may import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

Found = Iterator[tuple[ast.Import | ast.ImportFrom, str | None]]

ROOT = Path(__file__).resolve().parent.parent
OUR_PACKAGES = ("placement", "checks", "followup", "suppliers")
INFRASTRUCTURE = ("aiohttp", "asyncpg")

CORE = "placement.core"
# Rule modules: each registers rules in the rulebook. Besides the core they may use the rule
# machinery of checks/ (the registry and the facts a check reads) and the register's records.
RULE_MODULES = (
    "checks.rules",
    "checks.egenkontroll",
    "followup.rules",
    "followup.obligations",
    "suppliers.rules",
    "followup.concern_rules",
)
# The machinery: the check registry and facts, the follow-up model (facts, obligations, the rule
# form), the register's records and the contract follow-up calendar (SV04).
RULE_MACHINERY = (
    "checks.facts",
    "checks.registry",
    "checks.rules",
    "followup.model",
    "followup.concern_model",
    "suppliers.records",
    "suppliers.contracts",
)
# Package __init__ modules run on the way to their submodules; they import nothing of ours.
PACKAGE_INITS = {"placement", "checks", "suppliers", "followup"}

# Known exceptions (importer, function) that may close a cycle; none since issue #15 made the
# rules register themselves and the entry points register every family (placement/rule_catalogue.py).
ALLOWED_CYCLE_EDGES: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str  # a module of ours, or the top-level name of a third-party package
    function: str | None  # the enclosing function, None at module level
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in OUR_PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if ".venv" not in path.parts
    }


MODULES = source_files()


def is_ours(name: str) -> bool:
    return name.split(".")[0] in OUR_PACKAGES


def resolve(name: str) -> str:
    """The longest prefix of a dotted name that is one of our modules (``from a import b`` names
    module ``a.b`` when it exists, else an attribute of ``a``)."""
    parts = name.split(".")
    while parts and ".".join(parts) not in MODULES:
        parts.pop()
    return ".".join(parts) or name


def _walk(node: ast.AST, function: str | None) -> Found:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            yield from (pair for stmt in child.orelse for pair in _walk_one(stmt, function))
            continue
        yield from _walk_one(child, function)


def _walk_one(node: ast.AST, function: str | None) -> Found:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node, function
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        yield from _walk(node, function or node.name)
    else:
        yield from _walk(node, function)


def imports_of(module: str) -> list[Import]:
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []
    for node, function in _walk(ast.parse(path.read_text(), str(path)), None):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base == "__future__":
                continue
            names = [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            imported = resolve(name) if is_ours(name) else name.split(".")[0]
            found.append(Import(module, imported, function, node.lineno))
    return found


IMPORTS = {module: imports_of(module) for module in MODULES}


def graph(*, allow: set[tuple[str, str]]) -> dict[str, set[str]]:
    return {
        module: {
            i.imported
            for i in imports
            if is_ours(i.imported) and i.imported != module and (i.importer, i.function) not in allow
        }
        for module, imports in IMPORTS.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in edges:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
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
                    found.append(sorted(component))
    return found


def closure(module: str, edges: dict[str, set[str]]) -> set[str]:
    seen = {module}
    todo = [module]
    while todo:
        for nxt in edges.get(todo.pop(), set()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_the_graph_sees_our_modules_and_their_imports() -> None:
    """The analysis itself: it finds the core, the rules and a known edge, so an empty graph cannot
    pass the tests below by accident."""
    assert {"placement.core.rulebook", "checks.rules.PP08", "placement.cli"} <= set(MODULES)
    assert "placement.core.rulebook" in graph(allow=set())["checks.rules.PP08"]
    assert "aiohttp" in {i.imported for i in IMPORTS["placement.api.app"]}


def test_no_import_cycle() -> None:
    """No two of our modules import each other, directly or round a loop."""
    assert cycles(graph(allow=ALLOWED_CYCLE_EDGES)) == []


def test_the_allowances_are_still_needed() -> None:
    """Each allowed edge still closes a cycle; when issue #15 removes it, delete the allowance."""
    for allowance in ALLOWED_CYCLE_EDGES:
        remaining = ALLOWED_CYCLE_EDGES - {allowance}
        assert cycles(graph(allow=remaining)), f"{allowance} closes no cycle any more: remove it"


def test_package_inits_import_nothing_of_ours() -> None:
    """Importing placement.core runs placement/__init__.py first (and a rule module its package's);
    they must stay free of our code."""
    assert [i for p in sorted(PACKAGE_INITS) for i in IMPORTS[p] if is_ours(i.imported)] == []


def test_the_core_imports_nothing_else_of_ours_nor_infrastructure() -> None:
    """The pure core imports only itself (and libraries other than aiohttp and asyncpg)."""
    wrong = [
        i
        for module, imports in IMPORTS.items()
        if within(module, (CORE,))
        for i in imports
        if (i.importer, i.function) not in ALLOWED_CYCLE_EDGES
        and (i.imported in INFRASTRUCTURE or (is_ours(i.imported) and not within(i.imported, (CORE,))))
    ]
    assert wrong == []


def test_rules_import_only_the_core_and_rule_machinery() -> None:
    """A rule module, and everything it pulls in, reaches neither aiohttp nor asyncpg nor any of
    our code beyond the core and the rule machinery."""
    edges = graph(allow=ALLOWED_CYCLE_EDGES)
    allowed = (CORE, *RULE_MACHINERY, *RULE_MODULES)
    wrong: dict[str, list[str]] = {}
    for module in MODULES:
        if not within(module, RULE_MODULES):
            continue
        reached = closure(module, edges)
        bad = sorted(m for m in reached if not within(m, allowed) and m not in PACKAGE_INITS)
        bad += sorted(
            {
                i.imported
                for m in reached
                for i in IMPORTS[m]
                if i.imported in INFRASTRUCTURE and (i.importer, i.function) not in ALLOWED_CYCLE_EDGES
            }
        )
        if bad:
            wrong[module] = bad
    assert wrong == {}
