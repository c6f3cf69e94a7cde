"""Text folding, so that typing with or without Vietnamese diacritics means the same.

DESIGN.md, "Standards": text with or without diacritics is accepted (``bao cao`` = ``báo cáo``).
Comparisons of words a user types (commands, yes/no answers, scale words in numbers) are made
on folded text, which also makes them blind to where the tone mark was typed (``hoà`` =
``hòa``); keys that must keep diacritics use :func:`normalize_tone_placement` for that.
:func:`clean_text` removes control and invisible characters from everything a person sends
before it is stored or echoed.
"""

from __future__ import annotations

import re
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


# --------------------------------------------------------------------------- tone placement

# The five tone marks, as combining characters: grave, acute, tilde, hook above, dot below.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Vowels once the tone is removed; those with a vowel mark of their own take the tone first.
_PLAIN_VOWELS = frozenset("aeiouy")
_MARKED_VOWELS = frozenset("ăâêôơư")
_WORD = re.compile(r"\w+")


def normalize_tone_placement(text: str) -> str:
    """Return ``text`` (NFC) with the tone mark of every Vietnamese word on the vowel the bot's
    own texts use: ``hoà`` -> ``hòa``, ``thuỷ`` -> ``thủy``, ``luỹ kế`` -> ``lũy kế``,
    ``khoá`` -> ``khóa``; a word already placed so is unchanged.

    The two placements in use differ only in open syllables ending in ``oa``, ``oe``, ``uy``
    (older style on the second vowel, the style used here on the first). The rule applied:
    the tone goes on a vowel with a mark of its own (``ă â ê ô ơ ư``; the last one, as in
    ``người``); else, when a consonant ends the word, on the last vowel (``toán``, ``hoàng``);
    else on the middle one of three vowels (``ngoài``, ``khuỷu``) or the first of two (``mùa``,
    ``hòa``, ``thủy``). The ``u`` of ``qu`` and the ``i`` of ``gi`` before a vowel belong to
    the consonant (``quý``, ``giữa``). Case is kept. Words with no tone, several tones, or
    not shaped like one Vietnamese syllable (``café``, ``hoàhoà``) are left as they are.

    Shape: any ``str`` in, a ``str`` of the same words out; it is idempotent and never raises.
    ``fold`` removes every mark anyway; this function is for keys that keep diacritics
    (``"số"`` must not match ``"so"``) but must not depend on where the tone was typed.
    """
    return _WORD.sub(lambda match: _place_tone(match[0]), unicodedata.normalize("NFC", text))


def _place_tone(word: str) -> str:
    """One word with its tone moved by :func:`normalize_tone_placement`'s rule."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONES]
    if len(tones) != 1:
        return word
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    index = _tone_index(base.lower())
    if index is None:
        return word
    return unicodedata.normalize("NFC", base[: index + 1] + tones[0] + base[index + 1 :])


def _tone_index(base: str) -> int | None:
    """Index in a lowercase toneless syllable of the letter that takes the tone, or None."""
    vowels = [i for i, ch in enumerate(base) if ch in _PLAIN_VOWELS or ch in _MARKED_VOWELS]
    if not vowels or vowels[-1] - vowels[0] != len(vowels) - 1:
        return None  # no vowel, or two vowel groups: not one syllable
    if len(vowels) > 1 and vowels[0] == 1 and base[:2] in ("qu", "gi"):
        vowels = vowels[1:]
    if len(vowels) > 3:
        return None
    marked = [i for i in vowels if base[i] in _MARKED_VOWELS]
    if marked:
        return marked[-1]
    if vowels[-1] < len(base) - 1:  # a final consonant
        return vowels[-1]
    return vowels[1] if len(vowels) == 3 else vowels[0]


# --------------------------------------------------------------------------- cleaning

# Line breaks of every kind become "\n"; a tab becomes a space.
_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Invisible characters that change how text is shown or compared: bidi embeddings, overrides,
# isolates and marks; zero-width space, joiners, word joiner, byte-order mark; soft hyphen;
# invisible operators and deprecated format characters.
_INVISIBLE = frozenset(
    "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\ufeff"
)


def clean_text(text: str, *, multiline: bool = True) -> str:
    """Return ``text`` safe to store and echo: NFC, without control or invisible characters.

    * Line breaks (``\\r\\n``, ``\\r``, vertical tab, form feed, U+001C–U+001E, NEL U+0085,
      U+2028, U+2029) become ``"\\n"`` when ``multiline``, else a space (display names); a tab
      becomes a space. Separate lines thus stay separate ("12⏎500" is never "12500").
    * Every other C0 and C1 control (NUL, ESC, U+007F, U+0080–U+009F), unpaired surrogates,
      bidi embeddings/overrides/isolates/marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
      U+061C), zero-width characters (U+200B–U+200D, U+2060, U+FEFF) and other invisible
      format characters (soft hyphen, U+180E, U+2061–U+2064, U+206A–U+206F) are removed.
    * Nothing else changes: no stripping, no case change; emoji and their variation
      selectors are kept.

    ``clean_text("Thôn\\x00 Đông\\u202e") == "Thôn Đông"``. Idempotent; never raises.
    """
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n" if multiline else " ", text).replace("\t", " ")
    kept = (ch for ch in text if ch == "\n" or not _removed(ch))
    return unicodedata.normalize("NFC", "".join(kept))


def _removed(ch: str) -> bool:
    """True for a control, surrogate or invisible format character :func:`clean_text` drops."""
    return ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cs")
