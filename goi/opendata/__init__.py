"""Open data: bulk downloads of the platform's public data (CSV and JSON) and their DCAT catalogue."""
