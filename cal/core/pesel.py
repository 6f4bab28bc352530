"""The PESEL, the Polish personal identification number: eleven digits holding the birth
date (the century in the month: +80 for the 1800s, +20 for the 2000s, +40, +60), a
serial number whose last digit is even for a woman and odd for a man, and a check digit.
It is personal data: shown whole only where it is needed (masked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
CENTURIES = {0: 1900, 20: 2000, 40: 2100, 60: 2200, 80: 1800}


@dataclass(frozen=True)
class Pesel:
    birth_date: date
    female: bool


def check_digit(first_ten: str) -> int:
    return (10 - sum(int(d) * w for d, w in zip(first_ten, WEIGHTS, strict=True)) % 10) % 10


def parse(text: str) -> Pesel | None:
    """What a PESEL says (the birth date and whether a woman's), or None when it is no
    PESEL: not eleven digits, no real date, or a wrong check digit."""
    if len(text) != 11 or not text.isascii() or not text.isdigit():
        return None
    if check_digit(text[:10]) != int(text[10]):
        return None
    month = int(text[2:4])
    offset = month // 20 * 20
    try:
        born = date(CENTURIES[offset] + int(text[:2]), month - offset, int(text[4:6]))
    except ValueError:
        return None
    return Pesel(born, int(text[9]) % 2 == 0)


def masked(text: str) -> str:
    """The last four digits only, for lists where the whole number is not needed."""
    return "…" + text[-4:] if len(text) > 4 else text


def compose(birth: date, female: bool, serial: int) -> str:
    """The PESEL of a birth date and sex with a serial number (0–999): for demo and test
    data, which must hold numbers that are valid."""
    offset = {v: k for k, v in CENTURIES.items()}[birth.year // 100 * 100]
    first = (f"{birth.year % 100:02d}{birth.month + offset:02d}{birth.day:02d}"
             f"{serial % 1000:03d}{serial % 5 * 2 + (0 if female else 1)}")
    return first + str(check_digit(first))
