"""Repositories: one module per area of the data, each the only place that knows its entities'
keys and access patterns. See chalicelib/db/store.py."""
