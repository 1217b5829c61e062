"""Tracking codes: shown once to the person who filed the case, stored only as a keyed hash (HMAC-SHA-256), so
that a copy of the database alone does not let anyone test guessed codes. Looked up by the hash's index and
then compared in constant time."""
import hashlib
import hmac
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed on phones
LENGTH = 16  # 31^16 ≈ 7·10^23 codes: guessing one is hopeless, and the lookup is rate-limited
MAX_TYPED = 40  # what is read of a typed code at most


def new_code() -> str:
    """A fresh code in groups of four: "7K2M-…"."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, LENGTH, 4))


def normalise(code: str | None) -> str:
    """What a person typed, without spaces, dashes or case."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:MAX_TYPED]


def digest(code: str | None, key: str) -> str:
    """The keyed hash stored for a code."""
    return hmac.new(key.encode(), normalise(code).encode(), hashlib.sha256).hexdigest()


def legacy_digest(code: str | None) -> str:
    """The unkeyed SHA-256 that tips stored before codes were keyed: still found, and re-keyed when used."""
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def same(stored: str | None, computed: str) -> bool:
    """Compare a stored hash with a computed one in constant time."""
    return stored is not None and hmac.compare_digest(stored, computed)
