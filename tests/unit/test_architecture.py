"""The layers hold: imports run one way, no module imports itself round a circle, and
no module outside the migrations grows past 600 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import telcare

ROOT = Path(telcare.__file__).parent

# What each layer may import from telcare (besides itself); see docs/architecture.md.
ALLOWED = {
    "telcare.domain": set(),
    "telcare.store": set(),
    "telcare.services": {
        "telcare.domain",
        "telcare.store",
        "telcare.clock",
        "telcare.config",
        "telcare.ops.metrics",  # a leaf: the counters, incremented where things happen
    },
    "telcare.bus": {
        "telcare.domain",
        "telcare.store",
        "telcare.services",
        "telcare.clock",
        "telcare.config",
        "telcare.ops.metrics",
        "telcare.ops.tracing",  # trace context in the NATS headers (no-op when off)
    },
    "telcare.demo": {
        "telcare.domain",
        "telcare.store",
        "telcare.services",
        "telcare.clock",
        "telcare.config",
    },
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path, name: str, modules: set[str]) -> set[str]:
    """telcare modules imported at module level (not inside functions or TYPE_CHECKING):
    ``from pkg import name`` is the submodule ``pkg.name`` if there is one, else ``pkg``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in modules else base)
    return {m for m in found if m in modules}


def _graph() -> dict[str, set[str]]:
    files = {
        _module_name(p): p
        for p in ROOT.rglob("*.py")
        if "migrations" not in p.relative_to(ROOT).parts
    }
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        graph[name] = _top_level_imports(path, name, set(files)) - {name}
    return graph


def _layer(module: str) -> str | None:
    return next((layer for layer in ALLOWED if module.startswith(layer)), None)


def test_layers_import_one_way() -> None:
    wrong = []
    for module, targets in _graph().items():
        layer = _layer(module)
        if layer is None:
            continue
        for target in targets:
            if target.startswith(layer):
                continue
            if not any(target == a or target.startswith(a + ".") for a in ALLOWED[layer]):
                wrong.append(f"{module} -> {target}")
    assert sorted(wrong) == []


def test_no_import_cycles() -> None:
    """Tarjan's strongly connected components over module-level imports."""
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert cycles == []


def test_no_module_over_600_lines() -> None:
    big = [
        f"{p.relative_to(ROOT)} ({n} lines)"
        for p in ROOT.rglob("*.py")
        if "migrations" not in p.relative_to(ROOT).parts
        and (n := len(p.read_text(encoding="utf-8").splitlines())) > 600
    ]
    assert big == []
