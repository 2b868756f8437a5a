"""NHS numbers: validation with the `nhs-number` package, plus synthetic numbers for demo data."""

from __future__ import annotations

import random
import re

import nhs_number


class NhsNumberError(ValueError):
    pass


def normalise_nhs_number(raw: str) -> str:
    """Digits only ('943 476 5919' → '9434765919'); raises NhsNumberError with a clear message."""
    compact = re.sub(r"[\s-]", "", raw or "")
    if not compact:
        raise NhsNumberError("Enter an NHS number")
    # ASCII digits only: "٩٩٩…" passes isdigit() and the check digit, but would be a second,
    # different identity for the same woman.
    if not (compact.isascii() and compact.isdigit()) or len(compact) != 10:
        raise NhsNumberError("NHS number must be 10 digits")
    if not nhs_number.is_valid(compact):
        raise NhsNumberError("Enter a valid NHS number: the check digit does not match")
    return compact


def check_digit(first_nine: str) -> int | None:
    """Modulus 11 with weights 10..2; None when the check digit would be 10 (no valid number)."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def synthetic_nhs_number(rng: random.Random) -> str:
    """A valid NHS number in the 999 range, which is never issued to a real person."""
    while True:
        first_nine = "999" + f"{rng.randrange(1_000_000):06d}"
        digit = check_digit(first_nine)
        if digit is not None:
            return first_nine + str(digit)


def format_nhs_number(value: str) -> str:
    return f"{value[:3]} {value[3:6]} {value[6:]}" if len(value) == 10 else value
