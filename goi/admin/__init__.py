"""Platform administration: verification queue, users, audit log."""
