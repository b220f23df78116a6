"""The JSON API (version 1): errors are JSON, never HTML."""
