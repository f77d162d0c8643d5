"""Vietnamese text helpers: diacritic-insensitive search and the dictionary sort order of names."""

from __future__ import annotations

import unicodedata

# Letters of the Vietnamese alphabet in dictionary order; the letters with a breve, circumflex,
# horn or stroke are letters of their own, not accents.
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
_LETTER_CODE = {ch: f"{i + 10:02d}" for i, ch in enumerate(_ALPHABET)}
# Tone marks are secondary: ngang < huyền < hỏi < ngã < sắc < nặng.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_LETTER_FORMING = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn


def fold(text: str) -> str:
    """Lower-case ASCII form for searching: "Nguyễn Văn Ánh" -> "nguyen van anh"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def _split_letters(word: str) -> list[tuple[str, str]]:
    """Split a word into (base letter, tone) pairs; the base keeps its letter-forming marks."""
    out: list[tuple[str, str]] = []
    for ch in word.lower():
        decomposed = unicodedata.normalize("NFD", ch)
        base = decomposed[0]
        tone = "0"
        keep = ""
        for mark in decomposed[1:]:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark in _LETTER_FORMING:
                keep += mark
        out.append((unicodedata.normalize("NFC", base + keep), tone))
    return out


def name_sort_key(full_name: str) -> str:
    """Sort key for a Vietnamese full name: given name, then middle names, then family name.

    The key uses digits only, so every database collation orders it the same way.
    """
    words = full_name.split()
    if not words:
        return ""
    ordered = [words[-1], *words[1:-1], words[0]] if len(words) > 1 else words
    primary: list[str] = []
    secondary: list[str] = []
    for word in ordered:
        for base, tone in _split_letters(word):
            primary.append(_LETTER_CODE.get(base, "99"))
            secondary.append(tone)
        primary.append("00")
    return "".join(primary) + "0" + "".join(secondary)
