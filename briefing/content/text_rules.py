"""Which characters content text may hold: what XML and JSON can carry, what a reader can
see, and keys under which look-alike labels are equal (the only module that uses disarm,
for Unicode TR39 skeletons and the scripts of host names).
"""

from __future__ import annotations

import functools
import re
import unicodedata

import disarm

# XML 1.0's Char production leaves out the C0 controls but tab, LF and CR, the surrogates,
# and U+FFFE/U+FFFF. Refused as well: DEL and the C1 controls (which XML 1.0 discourages and
# terminals obey), and every Unicode noncharacter (U+FDD0-U+FDEF and the last two code
# points of each of the 17 planes), which no text interchange may carry.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))
NOT_CARRIED = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
# The same in two steps, fifty times faster on long text: a class with single astral code
# points sends the regex engine down a slow path, so those are looked for among the astral
# characters of a text that has any.
_NOT_CARRIED_BMP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# Unicode's Bidi_Control characters: marks, embeddings, overrides and isolates. In a plain
# text field they only reorder or disguise what a reader sees.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ASCII_VISIBLE = re.compile("[!-~]")


def describe_code_point(character: str) -> str:
    """Name a character for a message: 'U+FFFE', with its Unicode name when it has one."""
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" ({name})" if name else "")


def describe_not_carried(character: str) -> str:
    """Say why a character NOT_CARRIED matches cannot go into the site's XML and JSON."""
    point = ord(character)
    if 0xD800 <= point <= 0xDFFF:
        what = "half of a character (a lone surrogate)"
    elif point < 0x20 or 0x7F <= point <= 0x9F:
        what = "a control character"
    else:
        what = "a Unicode noncharacter"
    return f"contains {what}, U+{point:04X}, which XML feeds and sitemaps cannot carry; remove it"


def find_not_carried(text: str) -> re.Match[str] | None:
    """A character of `text` the site's XML and JSON outputs cannot carry (NOT_CARRIED)."""
    found = _NOT_CARRIED_BMP.search(text)
    if found or text.isascii():
        return found
    for astral in _ASTRAL.finditer(text):
        if ord(astral[0]) & 0xFFFE == 0xFFFE:  # U+1FFFE, U+1FFFF, ... U+10FFFF
            return astral
    return None


def has_visible_text(text: str) -> bool:
    """Whether `text` shows anything: a letter, digit, punctuation mark or symbol.

    Judged on the text's TR39 skeleton, which drops default-ignorable characters (zero-width
    spaces, joiners, fillers such as U+3164, tag characters, variation selectors) and maps
    blank look-alikes such as U+2800 to spaces; then by Unicode category, so spaces, marks
    with nothing to sit on, format and private-use characters do not count.
    """
    if _ASCII_VISIBLE.search(text):
        return True
    return any(unicodedata.category(c)[0] in "LNPS" for c in disarm.skeleton_key(text))


def label_keys(label: str) -> tuple[str, str]:
    """Keys under which two labels look the same to a reader.

    The TR39 skeleton of the label as written (so 'paypaI' meets 'paypal') and of its
    NFKC case fold (so 'ARMENIA', 'Ａｒｍｅｎｉａ' and 'Аrmenia' with a Cyrillic A all meet
    'Armenia'); digits count as their look-alike letters (0 as O, 1 as l).
    """
    folded = unicodedata.normalize("NFKC", label).casefold()
    return _skeleton(label), _skeleton(folded)


@functools.lru_cache(maxsize=4096)
def _skeleton(text: str) -> str:
    return disarm.skeleton_key(text, digit_policy="tr39")


def describe_deceptive_host(host: str) -> str | None:
    """Why a host name in Unicode form could pass for another, or None.

    A label that mixes scripts (Latin with Cyrillic, say) or mixes left-to-right and
    right-to-left letters is refused; so is a host whose skeleton is all ASCII, which a
    reader would take for that ASCII host ('аpple.com' with a Cyrillic а is 'apple.com').
    Chinese and Japanese writing mixes Han and kana by nature; that is not refused.
    """
    for label in host.split("."):
        if disarm.is_mixed_script(label):
            scripts = " and ".join(script.name.title() for script in disarm.detect_scripts(label))
            return f"mixes {scripts} letters in the label '{label}', the mark of a look-alike host"
    _, analysis = disarm.is_suspicious_hostname(host)
    if analysis.bidi_conflict or analysis.bidi_control:
        return "mixes left-to-right and right-to-left writing, which can show its parts in another order"
    if analysis.has_invisible or analysis.compat_fold:
        return "holds invisible or compatibility characters that browsers drop or change"
    skeleton = _skeleton(host)
    if not host.isascii() and skeleton.isascii():
        return f"looks like the host '{skeleton}' (its Unicode TR39 skeleton); a reader would take it for that host"
    return None
