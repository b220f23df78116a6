"""Cross-cutting services that import no domain package."""
