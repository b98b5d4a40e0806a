"""The direction of imports inside the package.

Each subpackage of ``reuse`` is a layer; a module imports only from its own
layer and the layers below it, so data flows one way: text -> ingest ->
detect -> derive -> store -> engine -> report -> cli. Modules import each
other (a cycle) only where listed below, with the reason it is still there.
Imports inside ``if TYPE_CHECKING:`` count too: a type is a dependency.
"""

from __future__ import annotations

import ast

from conftest import REPO

#: Layers, lowest first: each a set of subpackages or modules (relative to ``reuse``).
LAYERS: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (name, frozenset(units.split()))
    for name, units in (
        # errors and settings; the process pool, which every parallel stage uses
        ("base", "errors config engine.workers"),
        ("text", "text"),  # normalisation, passages, shingles, quotations, dates
        ("ingest", "ingest"),  # walking folders, decoding, file formats, identity
        ("detect", "detect edits"),  # sketches, candidates, seeds, plans, alignment, edits
        ("derive", "derive"),  # templates, boilerplate, groups
        ("store", "store"),  # the database, its schema, snapshots, shares, verdicts
        ("engine", "engine"),  # the scan, its stages, the Spark engine
        ("report", "report"),  # reports, exports, HTML, the review app
        ("interface", "cli __main__ __init__"),  # the command line, the package's exports
    )
)

#: Modules that still import each other, each pair with why.
ALLOWED_CYCLES: dict[frozenset[str], str] = {}


def _module_name(path_parts: tuple[str, ...]) -> str:
    """``('reuse', 'store', 'schema')`` -> ``'store.schema'``; the package -> ``'__init__'``."""
    parts = [p for p in path_parts[1:] if p != "__init__"]
    return ".".join(parts) or "__init__"


def _existing(name: str) -> str:
    """The module an imported name lives in: ``reuse.store.schema.DDL`` -> ``'store.schema'``."""
    parts = name.split(".")
    while len(parts) > 1:
        base = REPO.joinpath(*parts)
        if base.with_suffix(".py").exists() or (base / "__init__.py").exists():
            return _module_name(tuple(parts))
        parts.pop()
    return "__init__"


def _imports() -> dict[str, set[str]]:
    """Per module, the modules of ``reuse`` it imports (at the top or inside functions)."""
    graph: dict[str, set[str]] = {}
    for path in sorted((REPO / "reuse").rglob("*.py")):
        module = _module_name(path.relative_to(REPO).with_suffix("").parts)
        found = graph.setdefault(module, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                skip = {"__version__"} if node.module == "reuse" else set()
                names = [f"{node.module}.{a.name}" for a in node.names if a.name not in skip]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if name.startswith("reuse.") and _existing(name) != module:
                    found.add(_existing(name))
    return graph


def _layer(module: str) -> int:
    """The layer of a module: the most specific unit that names it."""
    best, depth = None, -1
    for k, (_, units) in enumerate(LAYERS):
        for unit in units:
            if (module == unit or module.startswith(unit + ".")) and unit.count(".") > depth:
                best, depth = k, unit.count(".")
    if best is None:
        raise AssertionError(f"reuse.{module} is in no layer of tests/test_imports.py: place it")
    return best


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


def test_the_check_sees_an_upward_import() -> None:
    assert _layer("text.normalise") < _layer("store.schema") < _layer("cli")
    assert _layer("engine.workers") == 0 < _layer("engine.pipeline")
    assert _existing("reuse.store.schema.DDL") == "store.schema"
    assert _existing("reuse.store") == "store"
