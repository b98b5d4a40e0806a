"""Detection: MinHash sketches and LSH candidates of passages, exact k-gram seeds,
their alignment into matches."""
