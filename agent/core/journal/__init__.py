"""The run journal (SQLite): its records (:mod:`.rows`), its questions (:mod:`.store`), its tables (:mod:`.schema`)
and the leases that keep one run to one process (:mod:`.leases`). Import from those modules."""
