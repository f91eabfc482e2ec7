"""Supervised bulk edits: input files, the sealed plan, the workers, the run, results and report."""
