"""The code's shape: the window's folders import each other one way only.

Every import counts, including those under ``TYPE_CHECKING`` and those
inside functions: a circle through a late import is still a circle for a
reader who has to understand both modules at once.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "mailapp"
#: A module longer than this should be split by what its parts do.
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path: Path, known: set[str]) -> set[str]:
    """The project modules ``path`` imports (a ``from a import b`` of a
    submodule ``a.b`` counts as importing ``a.b``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                if sub in known:
                    found.add(sub)
                elif node.module in known:
                    found.add(node.module)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, known) - {name} for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph``, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_circles() -> None:
    assert _cycle(_graph()) is None


def test_the_cycle_finder_finds_a_circle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_the_application_module_is_on_top_of_the_window() -> None:
    importers = [m for m, deps in _graph().items() if "mailapp.ui.app" in deps]
    assert [m for m in importers if m.startswith("mailapp.ui")] == []


def test_the_services_value_imports_no_page() -> None:
    deps = _graph()["mailapp.ui.services"]
    assert {d for d in deps if d.startswith("mailapp.ui.")} <= {
        d for d in deps if d.startswith("mailapp.ui.common.")
    }


def test_shared_pieces_import_no_page() -> None:
    for module, deps in _graph().items():
        if module.startswith("mailapp.ui.common"):
            pages = {
                d
                for d in deps
                if d.startswith("mailapp.ui.") and not d.startswith("mailapp.ui.common")
            }
            assert pages == set(), module


@pytest.mark.parametrize("module", sorted(_modules()))
def test_modules_stay_small(module: str) -> None:
    lines = _modules()[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines"
