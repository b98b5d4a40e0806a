"""Running a scan: the stages in order (pipeline), the worker pool, the
engine-free per-document and per-pair functions (core), and the Spark engine."""
