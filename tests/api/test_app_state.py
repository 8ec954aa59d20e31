"""app.state holds one thing, the runtime (bot/runtime.py), and only the app's lifespan puts it there:
state written from a route or a helper on first use is state nobody can find the owner of."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _is_app_state(node: ast.expr) -> bool:
    """`app.state`, `request.app.state`, `self.app.state`…: an attribute `state` of something named app."""
    if not (isinstance(node, ast.Attribute) and node.attr == "state"):
        return False
    owner = node.value
    return (isinstance(owner, ast.Name) and owner.id == "app") or (
        isinstance(owner, ast.Attribute) and owner.attr == "app"
    )


def _flat(target: ast.expr) -> list[ast.expr]:
    """The names a target assigns: `a, (b, *c) = …` assigns a, b and c (not what they are attributes of)."""
    if isinstance(target, ast.Tuple | ast.List):
        return [t for element in target.elts for t in _flat(element)]
    if isinstance(target, ast.Starred):
        return _flat(target.value)
    return [target]


def _writes(tree: ast.AST) -> list[int]:
    lines: list[int] = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = [t for target in node.targets for t in _flat(target)]
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr":
            targets = [ast.Attribute(value=node.args[0], attr="?")] if node.args else []
        for target in targets:
            if isinstance(target, ast.Attribute) and _is_app_state(target.value):
                lines.append(node.lineno)
    return lines


def app_state_writes() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for package in ("bot", "api"):
        for path in sorted((ROOT / package).rglob("*.py")):
            lines = _writes(ast.parse(path.read_text(encoding="utf-8")))
            if lines:
                found[str(path.relative_to(ROOT))] = lines
    return found


def test_only_the_lifespan_writes_app_state() -> None:
    writes = app_state_writes()
    assert list(writes) == ["api/main.py"], writes
    assert len(writes["api/main.py"]) == 1, "one write: app.state.runtime"


def test_the_walk_sees_every_form_of_write() -> None:
    source = """
app.state.a = 1
request.app.state.b = 2
x, request.app.state.c = 1, 2
app.state.d += 1
setattr(app.state, "e", 1)
app.state.f.g = 1
"""
    assert _writes(ast.parse(source)) == [2, 3, 4, 5, 6]
