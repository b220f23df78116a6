"""Tests for goi.data.passwords."""

from __future__ import annotations

from importlib import resources

from goi.data import passwords


def test_list_has_1000_unique_lowercase_entries() -> None:
    """The bundled list holds 1,000 distinct lower-case passwords, most common first."""
    lines = resources.files("goi.data").joinpath("common_passwords.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1000
    assert len(set(lines)) == 1000
    assert all(line and line == line.lower() and line == line.strip() for line in lines)
    assert lines[0] == "123456"
    assert len(passwords.common_passwords()) == 1000


def test_common_passwords_detected() -> None:
    """Well-known passwords are common, whatever their case."""
    assert passwords.is_common_password("password")
    assert passwords.is_common_password("123456")
    assert passwords.is_common_password("PassWord")
    assert passwords.is_common_password("qwerty")


def test_uncommon_passwords_pass() -> None:
    """Unusual passwords and padded ones are not on the list."""
    assert not passwords.is_common_password("a-long-unusual-passphrase-7")
    assert not passwords.is_common_password(" password")
    assert not passwords.is_common_password("")
