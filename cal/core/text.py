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


_PLAIN = str.maketrans({"ł": "l", "Ł": "L", "„": '"', "”": '"', "“": '"', "‘": "'",
                        "’": "'", "–": "-", "—": "-", "…": "...", "\u00a0": " "})


def plain(text: str) -> str:
    """The text without diacritics or typographic marks, case kept: 'Zajęcia – środa'
    -> 'Zajecia - sroda' (a text message so written costs a part per 160 letters, not 70)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_PLAIN))
    return unicodedata.normalize("NFC", "".join(
        c for c in decomposed if not unicodedata.combining(c)))
