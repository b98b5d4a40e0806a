"""Rows gathered as columns into Arrow record batches.

Worker tasks send their rows back as columns (a list per field), which
pickle far smaller and faster than a tuple per row; :class:`ColumnBuffer`
appends them and turns every ``batch_rows`` rows into one record batch, so
the rows of a whole scan are held as Arrow arrays (~70 bytes a match row),
not as Python objects.
"""

from __future__ import annotations

import pyarrow as pa

__all__ = ["ColumnBuffer"]


class ColumnBuffer:
    """Rows arriving as columns (a list per field of ``schema``), kept as Arrow
    record batches of about ``batch_rows`` rows."""

    def __init__(self, schema: pa.Schema, batch_rows: int = 65_536) -> None:
        self.schema = schema
        self.batch_rows = batch_rows
        self.batches: list[pa.RecordBatch] = []
        self.pending: list[list] = [[] for _ in schema]

    def extend(self, columns: list[list]) -> None:
        """Append rows given as columns, in the order of the schema's fields."""
        for mine, theirs in zip(self.pending, columns):
            mine.extend(theirs)
        if len(self.pending[0]) >= self.batch_rows:
            self._flush()

    def _flush(self) -> None:
        if self.pending[0]:
            arrays = [pa.array(col, f.type) for col, f in zip(self.pending, self.schema)]
            self.batches.append(pa.record_batch(arrays, schema=self.schema))
            self.pending = [[] for _ in self.schema]

    def table(self) -> pa.Table:
        """Every row so far, as one table."""
        self._flush()
        return pa.Table.from_batches(self.batches, self.schema)
