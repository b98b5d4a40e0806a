"""How a table of the database is defined: its columns, each with its name,
DuckDB type and constraints, and the constraints over several columns. From
one definition come both the ``CREATE TABLE`` statement and the Arrow schema
of the rows written to the table, so a column's type is written once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa

__all__ = ["ARROW_TYPES", "Column", "Table"]

#: The Arrow type of the values of each DuckDB type this schema uses (``HUGEINT``,
#: of ``share_inputs``, is never written from Arrow).
ARROW_TYPES: dict[str, pa.DataType] = {
    "TINYINT": pa.int8(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "UBIGINT": pa.uint64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "VARCHAR": pa.string(),
    "VARCHAR[]": pa.list_(pa.string()),
    "BLOB": pa.binary(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
}


@dataclass(frozen=True)
class Column:
    """One column: ``name``, DuckDB ``type``, and what follows the type in its
    definition (``NOT NULL``, ``PRIMARY KEY``, ``DEFAULT ...``, a compression)."""

    name: str
    type: str
    constraints: str = ""

    def ddl(self) -> str:
        return " ".join(part for part in (self.name, self.type, self.constraints) if part)

    @property
    def arrow_type(self) -> pa.DataType:
        if self.type not in ARROW_TYPES:
            raise KeyError(f"no Arrow type for the {self.type} column {self.name}")
        return ARROW_TYPES[self.type]


@dataclass(frozen=True)
class Table:
    """A table: its columns in order, and the constraints over several columns."""

    name: str
    columns: tuple[Column, ...]
    constraints: tuple[str, ...] = ()

    def ddl(self) -> str:
        """The ``CREATE TABLE IF NOT EXISTS`` statement."""
        lines = [c.ddl() for c in self.columns] + list(self.constraints)
        body = ",\n".join(f"    {line}" for line in lines)
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n{body}\n);\n"

    def arrow_schema(self, names: Sequence[str] | None = None) -> pa.Schema:
        """The Arrow schema of rows of this table: of all columns in order, or of
        the columns ``names`` in the order given."""
        by_name = {c.name: c for c in self.columns}
        chosen = [c.name for c in self.columns] if names is None else list(names)
        return pa.schema([(name, by_name[name].arrow_type) for name in chosen])
