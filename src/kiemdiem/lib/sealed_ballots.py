"""Sealed ballots: public-key encryption of each ballot, a private key that only the counting code opens.

The design and its guarantee are in docs/security.md ("Bỏ phiếu kín"). In short: when the first
ballot box of a meeting opens, a key pair is made; the private key is stored only encrypted under a
key derived (Argon2id) from a random *counting code* that is shown once to the person who opened the
box and never stored. Each ballot is a libsodium sealed box (X25519, XSalsa20-Poly1305) of a
fixed-length plaintext, so that a reader of the database, its write-ahead log or its backups sees
ciphertexts of equal length that tell nothing of the level, even though the voter-roll change and the
ballot are written in one transaction. At the count the code unlocks the private key in memory, the
ballots are opened, only the totals are kept, and the ballots and the key are deleted.

Pure functions, no Django: the reviews services call them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from nacl import exceptions as nacl_exceptions
from nacl import pwhash
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

# Crockford's base32: no I, L, O, U, so that a code read aloud or copied by hand is not misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = {"O": "0", "I": "1", "L": "1"}

COUNTING_CODE_CHARS = 12  # 60 bits; with Argon2id (64 MiB per try) no offline search is practical
RECEIPT_CHARS = 16  # 80 bits (the receipt proves "counted"; it must not be guessable)

_KDF = pwhash.argon2id
_PLAINTEXT_BYTES = 1 + 32  # level index, then the SHA-256 of the receipt


class WrongCode(Exception):
    """The counting code does not open the private key."""


class MalformedBallot(Exception):
    """A ciphertext that is not a ballot sealed under this key (tampered or copied from elsewhere)."""


def new_code(chars: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(chars))


def normalize_code(text: str) -> str:
    """What the person typed, as the code: case, spaces and dashes ignored, O read as 0, I and L as 1."""
    out = []
    for ch in text.upper():
        if ch in " -.\t":
            continue
        out.append(_READ_AS.get(ch, ch))
    return "".join(out)


def format_code(code: str, group: int = 4) -> str:
    """``7K3MQ9XA2B4C`` → ``7K3M-Q9XA-2B4C``: easier to copy onto paper and to read back."""
    return "-".join(code[i : i + group] for i in range(0, len(code), group))


@dataclass(frozen=True)
class LockedKey:
    """What is stored: the public key, the salt of the code's derivation, the encrypted private key."""

    public_key: bytes
    salt: bytes
    locked_private_key: bytes


def _code_key(code: str, salt: bytes) -> bytes:
    return _KDF.kdf(
        SecretBox.KEY_SIZE,
        normalize_code(code).encode(),
        salt,
        opslimit=_KDF.OPSLIMIT_INTERACTIVE,
        memlimit=_KDF.MEMLIMIT_INTERACTIVE,
    )


def new_key() -> tuple[LockedKey, str]:
    """A new key pair locked under a new counting code; returns the stored part and the code."""
    code = new_code(COUNTING_CODE_CHARS)
    private = PrivateKey.generate()
    salt = secrets.token_bytes(_KDF.SALTBYTES)
    locked = SecretBox(_code_key(code, salt)).encrypt(bytes(private))
    return LockedKey(bytes(private.public_key), salt, bytes(locked)), code


def unlock(key: LockedKey, code: str) -> PrivateKey:
    try:
        raw = SecretBox(_code_key(code, key.salt)).decrypt(key.locked_private_key)
    except nacl_exceptions.CryptoError as exc:
        raise WrongCode from exc
    return PrivateKey(raw)


def seal(public_key: bytes, level_index: int, receipt_digest: bytes) -> bytes:
    """One ballot: always the same length, whatever the level (a length must not tell the level)."""
    if not 0 <= level_index < 256 or len(receipt_digest) != 32:
        raise ValueError("level index or receipt digest out of range")
    return bytes(SealedBox(PublicKey(public_key)).encrypt(bytes([level_index]) + receipt_digest))


def open_sealed(private_key: PrivateKey, sealed: bytes) -> tuple[int, bytes]:
    """The level index and the receipt digest that were sealed."""
    try:
        plain = SealedBox(private_key).decrypt(bytes(sealed))
    except nacl_exceptions.CryptoError as exc:
        raise MalformedBallot from exc
    if len(plain) != _PLAINTEXT_BYTES:
        raise MalformedBallot
    return plain[0], plain[1:]
