"""The web side: server-rendered pages from the same Chalice app (see README.md here).

Only the standard library and chalice are imported by `routes` at import time; jinja2 and babel
are imported on the render path (bench/startup.py's import_ratio)."""
