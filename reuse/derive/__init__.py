"""What is derived beyond the pairwise matches: templates (stock text and its
representatives), boilerplate lines, reuse groups."""
