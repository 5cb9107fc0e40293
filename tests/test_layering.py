"""The shape of the code (README, "Where things live"): every module imports; no import
cycle, counting imports inside functions; kiosk/ and counter/ stand alone; SQL only in the
store; small modules in small folders."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ["core", "web", "cli", "voice", "printers", "kiosk", "counter", "protocol", "bench", "tools"]
MAX_LINES = 400
MAX_MODULES = 16
LONG_ALLOWED = {"core/store/schema.py"}  # the migrations: one list, in order
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|BEGIN\s+IMMEDIATE)\b", re.I | re.S
)


def modules() -> dict[str, Path]:
    found = {"server": ROOT / "server.py"}
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The product modules ``path`` imports anywhere in it (functions included)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                out.add(sub if sub in known else node.module)
    return {m for m in out if m in known}


def test_every_module_imports() -> None:
    for name in modules():
        if name.endswith("__main__"):
            continue
        importlib.import_module(name)


def test_no_import_cycles() -> None:
    known = modules()
    graph = {name: imports(path, known) - {name} for name, path in known.items()}
    # Tarjan's strongly connected components: any with more than one module is a cycle
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert cycles == []


@pytest.mark.parametrize("client", ["kiosk", "counter"])
def test_device_clients_stand_alone(client: str) -> None:
    """The kiosk agent and the counter client run on other machines: the server's packages
    (and the tests) are not theirs to import."""
    known = modules()
    for name, path in known.items():
        if name.split(".")[0] == client:
            bad = {m for m in imports(path, known) if m.split(".")[0] in ("core", "web", "cli", "server", "bench")}
            assert bad == set(), f"{name} imports {bad}"
            source = path.read_text(encoding="utf-8")
            assert not re.search(r"^\s*(from|import) tests\b", source, re.M), f"{name} imports tests"


def test_sql_lives_in_the_store() -> None:
    for name, path in modules().items():
        if name.startswith(("core.store", "bench")):
            continue  # the benchmarks' bare baselines are SQL by design
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not SQL.search(node.value), f"SQL in {name}: {node.value[:60]!r}"


def test_edges_call_core_not_the_store() -> None:
    """web/ and cli/ call core; of the store they see only its types (``core.store.db``: Store,
    Reader, Tx) and the secret's loader, never its SQL modules."""
    known = modules()
    allowed = {"core.store.db", "core.store.secret"}
    for name, path in known.items():
        if name.split(".")[0] in ("web", "cli"):
            bad = {m for m in imports(path, known) if m.split(".")[:2] == ["core", "store"]} - allowed
            assert bad == set(), f"{name} imports {bad}"


def test_small_modules_in_small_folders() -> None:
    for path in modules().values():
        rel = path.relative_to(ROOT).as_posix()
        if rel not in LONG_ALLOWED:
            assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES, rel
    folders = {p.parent for p in modules().values()} | {p.parent for p in (ROOT / "tests").rglob("test_*.py")}
    for folder in folders:
        count = len([p for p in folder.glob("*.py") if p.name != "__init__.py"])
        assert count <= MAX_MODULES, f"{folder.relative_to(ROOT)} has {count} modules"
    scripts = list((ROOT / "static" / "js").rglob("*.js"))
    for folder in {p.parent for p in scripts}:
        assert len(list(folder.glob("*.js"))) <= MAX_MODULES, f"{folder.relative_to(ROOT)} has too many scripts"
