"""Search over everything public, in Bahasa Indonesia and English.

Callers use goi.search.service (search, apply_pending, rebuild, check); the engine behind it is a SearchBackend
(goi.search.backend) so that a PostgreSQL full-text backend can replace Whoosh without touching callers.
"""
