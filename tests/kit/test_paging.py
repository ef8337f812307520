"""Keyset cursors: only ones we signed, of the right shape, reach the database."""

from kit.paging import cursor_decode, cursor_encode

SALT = "tests.paging"


def test_a_cursor_we_made_comes_back():
    assert cursor_decode(cursor_encode("Asfalt", 7, salt=SALT), salt=SALT) == ("Asfalt", 7)


def test_a_sort_value_with_a_nul_character_is_no_cursor():
    """PostgreSQL text cannot hold NUL: such a value never came from a row (found by the
    list's fuzz test, which answered 500)."""
    assert cursor_decode(cursor_encode("Asf\x00alt", 7, salt=SALT), salt=SALT) is None


def test_another_salt_or_a_tampered_cursor_is_no_cursor():
    cursor = cursor_encode("Asfalt", 7, salt=SALT)
    assert cursor_decode(cursor, salt="elders") is None
    assert cursor_decode(cursor[:-2] + "xx", salt=SALT) is None
