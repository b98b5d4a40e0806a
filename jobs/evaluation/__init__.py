"""Evaluation code for the jobs: the PAN measures, exact-run coverage, the
generated obfuscation corpus. It is not part of the runtime package."""
