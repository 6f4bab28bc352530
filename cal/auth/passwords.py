"""Argon2id at OWASP's minimum: 19 MiB of memory, 2 iterations, 1 lane. A new password
has at least 12 characters and is not one of the commonly used ones (OWASP ASVS 5.0
V6.2.4, V6.2.11): zxcvbn, with its lists of common passwords, names and words, and the
account's own e-mail and name, estimates how soon it would be guessed."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified when the e-mail is unknown, so both answers take the same time.
_DUMMY_HASH = HASHER.hash("not a password of anybody")
MIN_LENGTH = 12
MAX_LENGTH = 128
# zxcvbn's scale of 0 to 4: 3 is "safely unguessable" (about 10^8 guesses or more).
MIN_SCORE = 3
# Words of the place itself, which a guesser tries first.
OWN_WORDS = ("cal", "ops", "mops", "gops", "wolontariusz", "wolontariat", "senior", "klub")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)


def easily_guessed(password: str, hints: tuple[str, ...] = ()) -> bool:
    """Whether the password is a commonly used one or close to one (a word, a keyboard
    row, a date, a name, the account's e-mail or name with a few digits)."""
    words = [*OWN_WORDS, *(hint for hint in hints if hint)]
    return zxcvbn(password[:MAX_LENGTH], user_inputs=words,
                  max_length=MAX_LENGTH)["score"] < MIN_SCORE
