"""Kept only for services/candidates.py (store-auth's), which imports the candidate's views
from here: they live in candidate_results.py. The rest of the old module is now
domain/results_rows.py, ingest_results.py, release_held.py and deliver.py."""
from __future__ import annotations

from .candidate_results import candidate_results, result_view, statement_url

__all__ = ["candidate_results", "result_view", "statement_url"]
