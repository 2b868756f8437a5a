import random

import nhs_number
import pytest
from hypothesis import given
from hypothesis import strategies as st

from continuity.core.identifiers import (
    NhsNumberError,
    check_digit,
    format_nhs_number,
    normalise_nhs_number,
    synthetic_nhs_number,
)
from continuity.engines.geo import PostcodeError, is_postcode, normalise_postcode


def test_valid_nhs_number_is_normalised():
    assert normalise_nhs_number("943 476 5919") == "9434765919"
    assert normalise_nhs_number("943-476-5919") == "9434765919"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter an NHS number"),
        ("12345", "10 digits"),
        ("94347659AB", "10 digits"),
        ("9434765918", "check digit"),
    ],
)
def test_invalid_nhs_numbers_say_why(raw, message):
    with pytest.raises(NhsNumberError, match=message):
        normalise_nhs_number(raw)


@given(st.integers(min_value=0, max_value=2**32))
def test_synthetic_numbers_are_valid_and_in_the_999_range(seed):
    value = synthetic_nhs_number(random.Random(seed))
    assert value.startswith("999") and len(value) == 10
    assert nhs_number.is_valid(value)
    assert normalise_nhs_number(value) == value


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_check_digit_agrees_with_the_nhs_number_package(first_nine):
    # The package also refuses numbers outside allocated ranges; the checksum itself must agree.
    expected = nhs_number.calculate_checksum(first_nine)
    assert check_digit(first_nine) == (None if expected == 10 else expected)


def test_format():
    assert format_nhs_number("9991234567") == "999 123 4567"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ls14ap", "LS1 4AP"),
        (" sw1a 1aa ", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("nb12ab", "NB1 2AB"),
    ],
)
def test_postcodes_normalise(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["", "LS1", "12345", "LS1 4A", "LS1 4CI", "<script>"])
def test_malformed_postcodes_are_refused(raw):
    with pytest.raises(PostcodeError):
        normalise_postcode(raw)
    assert not is_postcode(raw)


@given(st.text(max_size=12))
def test_normaliser_never_crashes_and_is_idempotent(raw):
    try:
        once = normalise_postcode(raw)
    except PostcodeError:
        return
    assert normalise_postcode(once) == once
