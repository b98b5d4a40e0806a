"""The align stage of the Spark engine: planned pairs meet their texts, and are aligned.

On the driver, the plan (``OUTPUT/plan``) is joined with the indexed
documents so that every planned document pair reaches a task with both
texts, in one of two ways:

* the *block join* (``"blocks"``): documents are hashed into ``k`` blocks
  (``doc_id % k``, :func:`block_count`) and pair ``(a, b)`` is aligned in
  block pair ``(a % k) * k + b % k``, which receives the texts of its two
  blocks: each text travels ``2k - 1`` times;
* the *pair join* (``"pairs"``): both texts joined onto every pair, so a
  text travels once per pair it is in.

``"auto"`` takes the block join when ``2k - 1`` is less than the mean number
of pairs a document is in (``2 x pairs / documents``). Both give the same
matches. The tasks (:mod:`reuse.engine.spark_align_tasks`) align each pair;
the segments are written to ``OUTPUT/matches``.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from reuse.config import Config
from reuse.engine.spark_align_tasks import block_batches, pair_batches
from reuse.engine.spark_index import IndexedDocuments
from reuse.engine.spark_output import MATCH_SCHEMA, PLAN_SCHEMA
from reuse.engine.spark_session import spark_schema


@dataclasses.dataclass
class AlignedMatches:
    """What the align stage did: the join it took and the segments it wrote."""

    strategy: str  # "blocks" or "pairs"
    blocks: int  # k, the blocks the documents were hashed into (for the block join)
    n_matches: int  # rows of OUTPUT/matches


def block_count(total_chars: int, budget: int, parallelism: int) -> int:
    """Blocks ``k`` the documents are hashed into (``doc_id % k``) for the align stage.

    Document pair ``(a, b)`` is aligned in block pair ``(a % k, b % k)``, which
    receives the texts of its two blocks: each text travels ``2k - 1`` times
    instead of once per document pair it is in (hundreds of times in a corpus
    of stock clauses). ``k`` is the smallest number that gives at least
    ``4 x parallelism`` block pairs and keeps two blocks' text within
    ``budget`` characters.

    >>> block_count(18_000_000, 50_000_000, 4), block_count(10**10, 50_000_000, 64)
    (4, 400)
    """
    by_work = math.ceil(math.sqrt(4 * max(1, parallelism)))
    by_memory = math.ceil(2 * total_chars / max(1, budget))
    return max(1, by_work, by_memory)


# -- the joins (on the driver) ---------------------------------------------------


def _pair_join(plan: Any, docs: Any) -> Any:
    """Every planned pair with both documents' paths and texts."""
    from pyspark.sql import functions as F

    def side(suffix: str) -> Any:
        return docs.select(
            F.col("doc_id").alias(f"doc_{suffix}"),
            F.col("path").alias(f"path_{suffix}"),
            F.col("text").alias(f"text_{suffix}"),
        )

    return plan.join(side("a"), "doc_a").join(side("b"), "doc_b")


def _block_join(plan: Any, docs: Any, k: int) -> Any:
    """Rows for :func:`reuse.engine.spark_align_tasks.block_batches`: planned pair
    (a, b) in block pair ``(a % k) * k + b % k``, after the documents of both
    blocks (kind 0 before 1)."""
    from pyspark.sql import functions as F

    seeds_type = plan.schema["candidates"].dataType
    pair_rows = plan.select(
        ((F.col("doc_a") % k) * k + F.col("doc_b") % k).alias("block"),
        F.lit(1).alias("kind"),
        "doc_a",
        "doc_b",
        F.col("pass").alias("pass_no"),
        "rep_doc",
        F.lit(None).cast("string").alias("path"),
        F.lit(None).cast("string").alias("text"),
        "candidates",
        "exact",
    )
    spread = docs.select(
        (F.col("doc_id") % k).alias("i"),
        F.explode(F.sequence(F.lit(0), F.lit(k - 1))).alias("j"),
        F.col("doc_id").alias("doc_a"),
        "path",
        "text",
    )

    def doc_rows(block: Any, condition: Any) -> Any:
        return spread.where(condition).select(
            block.alias("block"),
            F.lit(0).alias("kind"),
            "doc_a",
            F.lit(None).cast("long").alias("doc_b"),
            F.lit(None).cast("int").alias("pass_no"),
            F.lit(None).cast("long").alias("rep_doc"),
            "path",
            "text",
            F.lit(None).cast(seeds_type).alias("candidates"),
            F.lit(None).cast(seeds_type).alias("exact"),
        )

    i, j = F.col("i"), F.col("j")
    return (
        pair_rows.unionByName(doc_rows(i * k + j, F.lit(True)))  # the document as side a
        .unionByName(doc_rows(j * k + i, i != j))  # and as side b
        .repartition(k * k, "block")
        .sortWithinPartitions("block", "kind", "doc_a", "doc_b", "pass_no")
    )


def _choose_join(strategy: str, k: int, n_pairs: int, n_docs: int) -> str:
    """``strategy``, or for ``"auto"`` the join that ships fewer texts."""
    if strategy == "auto":
        # Texts shipped: the block join sends each text 2k - 1 times, the pair
        # join twice per document pair it is in.
        strategy = "blocks" if 2 * k - 1 < 2 * n_pairs / n_docs else "pairs"
    return strategy


def align_pairs(
    spark: Any, documents: IndexedDocuments, n_pairs: int, config: Config, strategy: str, out: str
) -> AlignedMatches:
    """Align the ``n_pairs`` planned pairs of ``OUT/plan`` with the texts of
    ``documents`` in the executors, joined by ``strategy`` (``"auto"``,
    ``"blocks"`` or ``"pairs"``), and write the segments to ``OUT/matches``."""
    from pyspark.sql import functions as F

    plan = spark.read.schema(spark_schema(PLAN_SCHEMA)).parquet(f"{out}/plan")
    docs = documents.frame
    total_chars = docs.agg(F.sum("n_norm_chars")).first()[0] or 0
    parallelism = spark.sparkContext.defaultParallelism
    k = block_count(total_chars, config.scan.text_budget_chars, parallelism)
    n_docs = max(1, documents.n_rows - documents.n_rejected)
    strategy = _choose_join(strategy, k, n_pairs, n_docs)
    if strategy == "blocks":
        work = _block_join(plan, docs, k)
        matches = work.mapInArrow(lambda it: block_batches(it, config), spark_schema(MATCH_SCHEMA))
    elif strategy == "pairs":
        work = _pair_join(plan, docs)
        matches = work.mapInArrow(lambda it: pair_batches(it, config), spark_schema(MATCH_SCHEMA))
    else:
        raise ValueError(f"strategy must be auto, blocks or pairs, not {strategy!r}")
    matches.write.mode("overwrite").parquet(f"{out}/matches")
    n_matches = spark.read.parquet(f"{out}/matches").count()
    return AlignedMatches(strategy, k, int(n_matches))
