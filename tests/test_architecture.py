"""The package layout is the architecture: subpackages import only the layers below them, so
data flows one way (README, "Architecture"). Imports under ``if TYPE_CHECKING:`` do not count."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "src" / "govner"
# Lowest first; a module may import its own layer and the ones before it.
LAYERS = [
    {"govner", "errors", "files", "labels", "paths", "generated_sections"},
    {"data"},
    {"records"},
    {"model"},
    {"inference"},
    {"evaluation"},
    {"training"},
    {"labelstudio"},
    {"bench"},
    {"cli"},
]
RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "govner"


def _runtime_imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("govner"):
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("govner")]
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_import_only_the_layers_below(path):
    own = _part("govner." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
    upward = [f"line {line}: {module}" for line, module in _runtime_imports(path) if RANK[_part(module)] > RANK[own]]
    assert not upward, f"{own} imports a layer above it: {upward}"


def test_every_subpackage_has_a_layer_and_a_one_line_docstring():
    for init in PACKAGE.glob("*/__init__.py"):
        assert init.parent.name in RANK, f"{init.parent.name}: add it to LAYERS"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc, f"{init}: no docstring"
