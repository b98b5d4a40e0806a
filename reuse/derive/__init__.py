"""What is derived from matches: templates, boilerplate, reuse groups, shares,
provenance (dates and likely sources), and the order documents are ranked in."""
