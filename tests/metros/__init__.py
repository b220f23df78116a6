"""Metropolitan area page tests."""
