"""What a reviewer reads: the shipped queries and text reports, exports, the
HTML report, the terminal display, and the review app (serve)."""
