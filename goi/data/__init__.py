"""Bundled reference data: Indonesian regions, classification vocabularies, common passwords."""
