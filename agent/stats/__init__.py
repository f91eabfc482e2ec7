"""Change analytics over the journal and its report."""
