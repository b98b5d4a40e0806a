"""The database: its schema, the store that reads and writes it, migrations,
snapshots for readers, and verdicts."""
