"""Detection: MinHash sketches, LSH band keys and candidates of passages, exact
k-gram seeds, the alignment plan, verification and alignment into segments."""
