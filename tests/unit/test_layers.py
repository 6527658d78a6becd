"""The layers keep to their imports: db/ ← app/ ← ui/ (STYLE.md, "Layers"), checked with ast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("app", "db", "ui")

# layer → top-level packages it must never import, and why.
FORBIDDEN: dict[str, dict[str, str]] = {
    "app": {"PySide6": "app/ never imports Qt", "shiboken6": "app/ never imports Qt",
            "ui": "app/ never imports the UI"},
    "db": {"PySide6": "db/ never imports Qt", "shiboken6": "db/ never imports Qt",
           "ui": "db/ never imports the UI", "app": "db/ imports nothing of ours"},
    "ui": {"db": "ui/ goes through app/, never the database layer",
           "sqlalchemy": "ui/ goes through app/, never SQLAlchemy"},
}


def imported_modules(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute dotted name) of every import in `source`, lazy and TYPE_CHECKING ones too."""
    tree = ast.parse(source)
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            if not node.module:  # `from . import x` / `from .. import ui`: the names are modules
                found += [(node.lineno, f"{target}.{a.name}".strip(".")) for a in node.names]
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
              and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr)
              in ("import_module", "__import__")
              and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
    return found


def violations(layer: str, source: str, module: str, is_package: bool = False) -> list[str]:
    out = []
    for line, name in imported_modules(source, module, is_package):
        top = name.split(".")[0]
        if top in FORBIDDEN[layer]:
            out.append(f"{module}:{line} imports {name}: {FORBIDDEN[layer][top]}")
    return out


def _modules() -> list[tuple[str, Path, str, bool]]:
    mods = []
    for layer in LAYERS:
        for f in sorted((ROOT / layer).rglob("*.py")):
            rel = f.relative_to(ROOT).with_suffix("")
            is_package = rel.name == "__init__"
            parts = rel.parts[:-1] if is_package else rel.parts
            mods.append((layer, f, ".".join(parts), is_package))
    return mods


def test_every_module_keeps_to_its_layer() -> None:
    mods = _modules()
    assert {m[0] for m in mods} == set(LAYERS)
    assert len(mods) >= 15, "the source tree was not found"
    problems = []
    for layer, f, module, is_package in mods:
        problems += violations(layer, f.read_text(encoding="utf-8"), module, is_package)
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- the checker catches violations

@pytest.mark.parametrize(("layer", "module", "source", "caught"), [
    ("app", "app.keys", "from PySide6.QtWidgets import QWidget", "PySide6.QtWidgets"),
    ("app", "app.keys", "import shiboken6", "shiboken6"),
    ("app", "app.keys", "def f():\n    from ui import dialogs\n", "ui"),
    ("app", "app.reports.monthly", "from ...ui.panels import keys", "ui.panels"),
    ("app", "app.keys", "if TYPE_CHECKING:\n    import PySide6\n", "PySide6"),
    ("app", "app.keys", "import importlib\nimportlib.import_module('PySide6.QtCore')", "PySide6.QtCore"),
    ("db", "db.models", "from app.validation import mask_id", "app.validation"),
    ("db", "db.models", "from .. import app", "app"),
    ("db", "db.engine", "import ui.dialogs as d", "ui.dialogs"),
    ("ui", "ui.panels.keys", "from db.models import Room", "db.models"),
    ("ui", "ui.panels.keys", "from sqlalchemy import select", "sqlalchemy"),
    ("ui", "ui.panels.keys", "import sqlalchemy.orm", "sqlalchemy.orm"),
    ("ui", "ui.panels.keys", "from ...db import models", "db"),
])
def test_checker_catches_a_violation(layer: str, module: str, source: str, caught: str) -> None:
    found = violations(layer, source, module)
    assert len(found) >= 1 and f"imports {caught}:" in found[0], found


@pytest.mark.parametrize(("layer", "module", "source"), [
    ("app", "app.keys", "from app import audit\nfrom db.models import Room\nimport sqlalchemy"),
    ("app", "app.keys", "from . import audit\nfrom .errors import AppError"),
    ("db", "db.models", "from db.types import FixedDecimal\nfrom sqlalchemy import String"),
    ("ui", "ui.panels.keys", "from PySide6.QtWidgets import QWidget\nfrom app import keys\nfrom .. import dialogs"),
    ("ui", "ui.panels.keys", "import database_helpers  # a name that only starts with 'db'"),
])
def test_checker_allows_the_layers_own_imports(layer: str, module: str, source: str) -> None:
    assert violations(layer, source, module) == []


def test_relative_imports_resolve_from_packages() -> None:
    assert [n for _, n in imported_modules("from .errors import X", "app", is_package=True)] == ["app.errors"]
    assert [n for _, n in imported_modules("from .errors import X", "app.keys")] == ["app.errors"]
    assert [n for _, n in imported_modules("from ..db import models", "ui.panels.keys")] == ["ui.db"]
    assert [n for _, n in imported_modules("from ...db import models", "ui.panels.keys")] == ["db"]
