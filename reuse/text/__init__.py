"""Text functions: normalisation with an offset map, passages, shingles, quotations,
document dates (from metadata, file names and text)."""
