"""Check passwords against a list of the 1,000 most common ones."""

from __future__ import annotations

from functools import cache
from importlib import resources

COMMON_PASSWORDS_FILE = "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """Return the bundled common passwords, lower-cased."""
    text = resources.files("goi.data").joinpath(COMMON_PASSWORDS_FILE).read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line)


def is_common_password(password: str) -> bool:
    """Tell whether a password is on the common list, ignoring case only."""
    return password.lower() in common_passwords()
