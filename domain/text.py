"""Text folding, so that typing with or without Vietnamese diacritics means the same.

DESIGN.md, "Standards": text with or without diacritics is accepted (``bao cao`` = ``báo cáo``).
Comparisons of words a user types (commands, yes/no answers, scale words in numbers) are made
on folded text.
"""

from __future__ import annotations

import unicodedata

# "đ"/"Đ" are letters of their own in Unicode, not "d" plus a combining mark, so NFD keeps them.
_STROKED_D = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Return ``text`` lowercased, without diacritics, with whitespace runs collapsed.

    Steps: lowercase; ``đ``/``Đ`` -> ``d``; Unicode NFD decomposition, then every combining mark
    (tone and vowel marks: ``ấ`` -> ``a``) is dropped; runs of any Unicode whitespace become one
    ASCII space; the ends are stripped. Other characters (digits, punctuation, emoji) are kept.

    ``fold("  Nhập  Số liệu ") == "nhap so lieu"``; ``fold("BÁO CÁO") == "bao cao"``.
    The result is a fixed point: ``fold(fold(t)) == fold(t)``. Never raises.
    """
    decomposed = unicodedata.normalize("NFD", text.lower().translate(_STROKED_D))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())
