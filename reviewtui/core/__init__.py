"""The headless core: parsing, the catalog, the index, search and the cache. Never imports
Textual or Rich.

Nothing is re-exported here: callers import from the module that defines a name, so importing
one small module of the core loads only that module and what it imports.
"""
