from __future__ import annotations

import unicodedata

_EXTRA = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "đ": "d", "ß": "ss"})


def fold(text: str | None) -> str:
    """Lower-case, strip accents and collapse spaces: 'Łukasz  Żak' -> 'lukasz zak'.

    Used for search and duplicate checks, so they behave the same on SQLite (whose
    LIKE folds only ASCII) and on PostgreSQL, and a name typed without Polish
    letters still finds its record.
    """
    if not text:
        return ""
    text = text.translate(_EXTRA)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())
