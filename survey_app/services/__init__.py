"""Services change state: pure functions over the session that flush, never commit, and raise domain errors.

A view loads objects, calls one service, commits once and renders; a CLI command does the same.
"""
