"""Foundations every layer may import: settings, errors, records, the journal, evidence, the browser."""
