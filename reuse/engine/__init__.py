"""Running a scan: the stages in order (pipeline, a module each stage: listing,
indexing, planning, matching, alignment, formulaic_lines, labels, edit_stage,
finish), the worker pool (workers), the engine-free per-document and per-pair
functions (core), and the Spark engine."""
