"""The status watch: scan the portal read-only, flag abnormal postings, report."""
