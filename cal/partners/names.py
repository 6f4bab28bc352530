"""Partners' names as people typed them before the register: a text split into names,
and the key two spellings of one name share. The migration that turned the typed
partners of projects and events into links to the register (f93080a0118d) uses these;
keep them as they are."""

from __future__ import annotations

import re

from cal.core.text import fold

NAME_LENGTH = 200  # partners.name
QUOTES = "„”“\"'‘’«»"
# A line's bullet or number: "- ", "• ", "* ", "1. ", "2) ".
BULLET = re.compile(r"^\s*(?:[-–—•*]+|\d{1,2}[.)])\s+")


def name_key(name: str) -> str:
    """One key for one name, however typed: no case, Polish letters, quotes or dots at
    the end ('Stowarzyszenie „Razem”' and 'stowarzyszenie "razem".' match)."""
    return fold(name.translate(str.maketrans("", "", QUOTES))).rstrip(" .")


def _commas(part: str) -> list[str]:
    """A part split at its commas when every piece is a name of its own (begins with a
    capital letter or a digit, outside quotes): 'Szkoła Podstawowa nr 3, Biblioteka'
    splits, 'Komenda Policji, ul. Długa 5' and 'Fundacja „Dom, Ogród”' do not."""
    pieces, depth, current = [], 0, ""
    for char in part:
        if char in "„“«(":
            depth += 1
        elif char in "”»)" and depth:
            depth -= 1
        if char == "," and depth == 0:
            pieces.append(current)
            current = ""
        else:
            current += char
    pieces = [piece.strip() for piece in [*pieces, current]]
    if len(pieces) > 1 and all(piece[:1].isupper() or piece[:1].isdigit() for piece in pieces):
        return pieces
    return [part]


def split_names(text: str | None) -> list[str]:
    """The names in a typed text, in their order, each once: one a line or between
    semicolons, and between commas where each piece is a name (see ``_commas``);
    bullets and numbers at a line's start and dots at its end dropped."""
    names, seen = [], set()
    for line in re.split(r"[\n;]", text or ""):
        line = BULLET.sub("", line).strip()
        for name in _commas(line) if line else []:
            name = " ".join(name.split()).rstrip(" .,")[:NAME_LENGTH].strip()
            key = name_key(name)
            if key and key not in seen:
                seen.add(key)
                names.append(name)
    return names
