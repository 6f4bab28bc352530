"""Weekly availability as a bit mask: one bit per day and two-hour block."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

DAYS = [_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun")]
DAY_NAMES = [_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
             _l("Saturday"), _l("Sunday")]
BLOCKS = [(8, 10), (10, 12), (12, 14), (14, 16), (16, 18), (18, 20)]
BLOCKS_PER_DAY = len(BLOCKS)


def slot_bit(day: int, block: int) -> int:
    if not (0 <= day < len(DAYS) and 0 <= block < BLOCKS_PER_DAY):
        raise ValueError("no such slot")
    return 1 << (day * BLOCKS_PER_DAY + block)


def slot_name(day: int, block: int) -> str:
    return f"slot-{day}-{block}"


def encode(slots: set[tuple[int, int]]) -> int:
    mask = 0
    for day, block in slots:
        mask |= slot_bit(day, block)
    return mask


def decode(mask: int) -> set[tuple[int, int]]:
    return {(d, b) for d in range(len(DAYS)) for b in range(BLOCKS_PER_DAY)
            if mask & slot_bit(d, b)}


def from_form(form_data) -> int:
    """The mask of the slot checkboxes ticked in a submitted form (``slot-D-B``)."""
    slots = set()
    for key in form_data:
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "slot" and parts[1].isdigit() and parts[2].isdigit():
            day, block = int(parts[1]), int(parts[2])
            if day < len(DAYS) and block < BLOCKS_PER_DAY:
                slots.add((day, block))
    return encode(slots)


def describe(mask: int) -> list[str]:
    """Human-readable slots, e.g. ['Tuesday 16–18', …]."""
    return [f"{DAY_NAMES[d]} {BLOCKS[b][0]}–{BLOCKS[b][1]}" for d, b in sorted(decode(mask))]
