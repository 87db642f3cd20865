"""Hidden characters in what people type or paste: refused in names and free text everywhere a
person or a referral is taken in (the form, the services, the CSV import), by this one rule.

Text copied from an email, a web page or a PDF can carry characters nobody sees:

- control characters (Unicode category Cc) such as NUL, which PostgreSQL cannot store at all and
  other programs cut text short at; tab, line feed and carriage return are seen (as space or a
  new line) and allowed;
- bidirectional controls (U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates, the
  U+200E/U+200F and U+061C marks), which make text show in another order than it is stored, so
  a name or a note can read differently on screen, in a letter and in a search ("Trojan Source");
- every other format character (category Cf): zero-width spaces, word joiners, the byte order
  mark, soft hyphens, invisible operators, tag characters; and the few letters and marks that
  are drawn as nothing (the Hangul fillers, the combining grapheme joiner, Khmer's inherent
  vowels), with which "Ada" and "Ada" with something unseen become two different records;
- lone surrogates (category Cs), which cannot be written as UTF-8 at all.

The zero-width joiner and non-joiner (U+200D, U+200C) are also format characters, but some
scripts spell words with them: Persian and Urdu names use the non-joiner inside a word, and the
scripts of South Asia use both after a virama (Malayalam's older chillu letters, Sinhala's
conjuncts). They are accepted right after a letter or mark of a script that joins (Arabic, Syriac,
Thaana, N'Ko and the Brahmic scripts of South Asia) and refused anywhere else (between Latin
letters, first, after a space or another joiner), where they would only hide.
"""

from __future__ import annotations

import re
import unicodedata

from linkworker.domain.errors import ValidationError

# Control characters that mark a file as not text at all (the CSV import refuses such a file
# whole): every C0 control but tab, line feed and carriage return, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_SEEN_CONTROLS = frozenset("\t\n\r")
_JOINERS = frozenset("\u200c\u200d")
# Letters and marks that are drawn as nothing, though Unicode does not class them as format.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5")
_ANY_BLANK_LETTER = re.compile(f"[{''.join(sorted(_BLANK_LETTERS))}]")
# Scripts that spell words with a zero-width joiner or non-joiner, by the first word of their
# characters' Unicode names.
_JOINING_SCRIPTS = frozenset(
    {
        "ARABIC",
        "SYRIAC",
        "THAANA",
        "NKO",
        "DEVANAGARI",
        "BENGALI",
        "GURMUKHI",
        "GUJARATI",
        "ORIYA",
        "TAMIL",
        "TELUGU",
        "KANNADA",
        "MALAYALAM",
        "SINHALA",
    }
)


def hidden_at(text: str) -> int | None:
    """Where the first hidden character of ``text`` is (counting from 0), or None if it has none.

    Most text is printable as Python counts it (no control, format or separator character but the
    space), which ``str.isprintable`` tells at C speed: an import of many rows then costs little.
    """
    if text.isprintable() and _ANY_BLANK_LETTER.search(text) is None:
        return None
    for index, character in enumerate(text):
        if _hidden(character, text[index - 1] if index else ""):
            return index
    return None


def check_visible(text: str, field: str, what: str) -> str:
    """``text`` as it is, or a ``ValidationError`` for ``field`` saying where its hidden character
    is; ``what`` names the field in the message ("given name", "notes")."""
    at = hidden_at(text)
    if at is not None:
        raise ValidationError(field, hidden_message(what, at))
    return text


def hidden_message(what: str, at: int) -> str:
    """The message, counting characters from 1 as people do; never the text itself."""
    return (
        f"There is a hidden character in the {what} (character {at + 1}), such as a text-direction "
        "mark or a zero-width space, often copied in with the text: delete it and type that part again."
    )


def _hidden(character: str, before: str) -> bool:
    category = unicodedata.category(character)
    if category == "Cc":
        return character not in _SEEN_CONTROLS
    if character in _JOINERS:
        return not _joins(before)
    return category in ("Cf", "Cs") or character in _BLANK_LETTERS


def _joins(before: str) -> bool:
    """Whether a joiner may follow ``before``: a letter or mark of a script that spells with one."""
    if not before or unicodedata.category(before)[0] not in "LM":
        return False
    return unicodedata.name(before, "").split(" ", 1)[0] in _JOINING_SCRIPTS
