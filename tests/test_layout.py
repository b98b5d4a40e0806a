"""The size rule of the package: no module over 400 lines, no function over
60 lines or 6 parameters unless its docstring gives the reason in a sentence
that starts ``Size reason:`` (for a command of the command line, after its
``\\f``, so that ``--help`` does not show it)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MAX_PARAMETERS = 6
REASON = "Size reason:"

MODULES = sorted((REPO / "reuse").rglob("*.py"))


def _name(path: Path) -> str:
    return str(path.relative_to(REPO))


def _function_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function from its ``def`` to its last line, its docstring left out."""
    lines = node.end_lineno - node.lineno + 1  # type: ignore[operator]
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            lines -= body[0].end_lineno - body[0].lineno + 1  # type: ignore[operator]
    return lines


def _parameters(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Parameters a caller passes: positional, keyword-only, ``*args``, ``**kwargs``;
    ``self`` and ``cls`` of a method are not counted."""
    args = node.args
    names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    if args.vararg:
        names.append(args.vararg.arg)
    if args.kwarg:
        names.append(args.kwarg.arg)
    if names and names[0] in ("self", "cls"):
        names = names[1:]
    return len(names)


def _oversized(source: str, name: str) -> list[str]:
    """The functions of a module's source that break the rule, without a reason."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        lines, params = _function_lines(node), _parameters(node)
        if lines <= MAX_FUNCTION_LINES and params <= MAX_PARAMETERS:
            continue
        if REASON in (ast.get_docstring(node, clean=False) or ""):
            continue
        found.append(f"{name}:{node.lineno} {node.name}: {lines} lines, {params} parameters")
    return found


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_module_is_at_most_400_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{_name(path)} has {lines} lines: split it by what it does"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_functions_are_short_or_say_why(path: Path) -> None:
    found = _oversized(path.read_text(encoding="utf-8"), _name(path))
    assert not found, (
        f"over {MAX_FUNCTION_LINES} lines or {MAX_PARAMETERS} parameters, with no "
        f"'{REASON}' in the docstring:\n" + "\n".join(found)
    )


def test_the_rule_sees_a_long_function_and_reads_its_reason() -> None:
    body = "\n".join(f"    x{k} = {k}" for k in range(MAX_FUNCTION_LINES + 1))
    source = f"def f(a, b, c, d, e, f, g):\n{body}\n"
    assert _oversized(source, "m.py") == ["m.py:1 f: 62 lines, 7 parameters"]
    method = "class C:\n    def g(self, a, b, c, d, e, f):\n        return a\n"
    assert _oversized(method, "m.py") == []
    reasoned = f'def f(a, b, c, d, e, f, g):\n    """Size reason: a table of rows."""\n{body}\n'
    assert _oversized(reasoned, "m.py") == []
