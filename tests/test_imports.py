"""The direction of imports inside the package: each module imports only from
its own layer or the layers below it, and modules import each other (a cycle)
only where listed below, with the reason it is still there."""

from __future__ import annotations

import ast

from conftest import REPO

#: Layers, lowest first: a module may import from its own layer and below.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (name, frozenset(units.split()))
    for name, units in (
        (
            "base",  # errors, settings, schema, text functions that import nothing above
            "errors config schema display outputs workers normalise quotes provenance seeds "
            "groups shares",
        ),
        (
            "stages",  # the detection stages
            "segment shingle sketch candidates align plan edits boilerplate exact_coverage "
            "evaluation",
        ),
        ("input", "ingest formats identity"),  # walking folders, decoding, formats
        ("store", "store migrate snapshot verdicts"),  # the database and its snapshots
        ("engine", "core matching templates pipeline spark_engine spark_output"),
        ("review", "report html_report html_pages serve"),  # reports, HTML, the app
        ("interface", "cli __main__ __init__"),  # the command line, the package's exports
    )
)

#: Modules that still import each other, each pair with why.
ALLOWED_CYCLES = {
    frozenset({"ingest", "formats"}): "formats uses the text decoder of ingest, which "
    "dispatches to formats: the decoder is to move to a module of its own",
    frozenset({"html_report", "html_pages"}): "html_pages builds pages from html_report's "
    "pieces and html_report's entry points call html_pages: to split into pieces and pages",
}


def _unit(module: str) -> str:
    """The name a module is placed by: the first component under ``reuse``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports() -> dict[str, set[str]]:
    """Per module unit, the units it imports (at the top or inside functions)."""
    graph: dict[str, set[str]] = {}
    for path in sorted((REPO / "reuse").rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        module = ".".join(p for p in parts if p != "__init__") or "reuse"
        unit = "__main__" if module == "reuse.__main__" else _unit(module)
        found = graph.setdefault(unit, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module == "reuse":
                    names = [f"reuse.{a.name}" for a in node.names if a.name != "__version__"]
                else:
                    names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if name.startswith("reuse.") and _unit(name) != unit:
                    found.add(_unit(name))
    return graph


def _layer(unit: str) -> int:
    for k, (_, units) in enumerate(LAYERS):
        if unit in units:
            return k
    raise AssertionError(f"reuse.{unit} is in no layer of tests/test_imports.py: place it")


def test_every_module_imports_only_its_layer_and_below() -> None:
    wrong = [
        f"reuse.{a} ({LAYERS[_layer(a)][0]}) imports reuse.{b} ({LAYERS[_layer(b)][0]})"
        for a, deps in sorted(_imports().items())
        for b in sorted(deps)
        if _layer(b) > _layer(a)
    ]
    assert not wrong, "\n".join(wrong)


def test_modules_import_each_other_only_where_listed() -> None:
    graph = _imports()
    cycles = {
        frozenset({a, b}) for a, deps in graph.items() for b in deps if a in graph.get(b, set())
    }
    assert cycles <= set(ALLOWED_CYCLES), sorted(map(sorted, cycles - set(ALLOWED_CYCLES)))
    assert set(ALLOWED_CYCLES) <= cycles, "a listed cycle is gone: remove it from the list"
