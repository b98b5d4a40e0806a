"""Text functions: normalisation with an offset map, passages, shingles, quotations."""
