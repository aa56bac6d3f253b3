"""The tree on disk and the cache: scanning, reading files, the SQLite cache, worker processes, loading."""
