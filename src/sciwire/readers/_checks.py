"""Input checks and text normalisation shared by every reader.

Each check raises :class:`~sciwire.errors.InputError` (or
:class:`~sciwire.errors.UnsupportedLanguageError`) with a message that names the file, says
what was expected, what came in and what to try. The order readers follow is:

1. :func:`check_file` -- the path exists, is a regular readable file, within ``max_mb``
   (from ``os.stat``, *before* a single byte is read);
2. :func:`read_bytes` -- reads it and rejects a 0-byte file;
3. :func:`decode_text` -- for text formats: rejects binary data (NUL bytes, control
   characters, invalid UTF-8) and decodes (UTF-8, or UTF-16/32 with a byte order mark);
4. :func:`normalize_text` on the extracted text, then :func:`check_text`: not empty, at
   least ``min_words`` words, and English enough (:func:`english_ratio`).
"""

from __future__ import annotations

import codecs
import logging
import os
import re
import unicodedata
from pathlib import Path

from sciwire.config import InputConfig
from sciwire.errors import InputError, UnsupportedLanguageError

logger = logging.getLogger(__name__)

#: Frequent English function words. Words that are just as frequent in German, French,
#: Spanish, Italian or Dutch ("a", "de", "die", "no", "me", "so", "also") are left out.
FUNCTION_WORDS: frozenset[str] = frozenset(
    """
    the of and to in is that for with was were are we this by on as be from at an or which
    these not it its their they than has have had been there but can may our such both between
    after during into more most also other each all only when while who whose how what would
    could should will those did does if then because however among about over under within
    without through whether same many much some any very being them his her she you your
    us where thus although therefore whereas compared using used further found
    """.split()
)
#: Texts shorter than this are too short for the language check to mean anything.
MIN_WORDS_FOR_LANGUAGE = 40
#: Share of control characters above which data counts as binary.
MAX_JUNK_SHARE = 0.01
#: Data that is not UTF-8 is read as Windows-1252 only when at most this share of bytes is non-ASCII.
MAX_HIGH_SHARE = 0.3

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_FORMAT_CHARS = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
#: Bidirectional controls (LRM, RLM, ALM, embeddings, overrides such as U+202E, isolates): they
#: reorder how text is shown, so a report or terminal could show what the text does not say.
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Control characters except newline and tab (carriage return included), bidi controls and invisible format characters.
_UNSAFE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]|{_BIDI.pattern}|{_FORMAT_CHARS.pattern}")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def display_name(path: str | os.PathLike[str]) -> str:
    """The file name used in messages (the last path component)."""
    return Path(path).name or str(path)


def check_file(path: str | os.PathLike[str], config: InputConfig) -> int:
    """Check that ``path`` is a readable regular file within the size limit.

    Args:
        path: The file to check.
        config: Input limits (``max_mb``).

    Returns:
        The file size in bytes.

    Raises:
        InputError: When the file is missing, a directory, unreadable or too large.
    """
    name = display_name(path)
    try:
        info = os.stat(path)
    except FileNotFoundError as exc:
        raise InputError(f"{name} does not exist (looked for {os.fspath(path)!r}); check the path") from exc
    except OSError as exc:
        raise InputError(f"{name} cannot be read: {exc.strerror or exc}; check the path and its permissions") from exc
    if Path(path).is_dir():
        raise InputError(f"{name} is a directory, not a file; pass a PDF, XML, HTML, Markdown, text or JSON file")
    if not Path(path).is_file():
        raise InputError(f"{name} is not a regular file; pass a PDF, XML, HTML, Markdown, text or JSON file")
    if not os.access(path, os.R_OK):
        raise InputError(f"{name} is not readable (permission denied); check its permissions")
    limit = config.max_mb * 1024 * 1024
    if info.st_size > limit:
        size_mb = info.st_size / (1024 * 1024)
        raise InputError(
            f"{name} is {size_mb:.1f} MB, larger than the {config.max_mb:g} MB limit; "
            f"raise it with --set input.max_mb={int(size_mb) + 10}"
        )
    return info.st_size


def read_bytes(path: str | os.PathLike[str], config: InputConfig) -> bytes:
    """Check ``path`` with :func:`check_file`, then read it.

    Args:
        path: The file to read.
        config: Input limits.

    Returns:
        The file's bytes (never empty).

    Raises:
        InputError: On any problem found by :func:`check_file`, a read error or a 0-byte file.
    """
    check_file(path, config)
    name = display_name(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{name} cannot be read: {exc.strerror or exc}; check the file and its permissions") from exc
    if not data:
        raise InputError(f"{name} contains no text (the file is empty, 0 bytes); expected a document with text")
    return data


def _binary_error(name: str, why: str) -> InputError:
    return InputError(
        f"{name} looks like binary data, not text, PDF, XML or HTML ({why}); "
        "pass a PDF, JATS XML, HTML, Markdown/plain text (UTF-8) or Document JSON file"
    )


def decode_text(data: bytes, name: str) -> str:
    """Decode the bytes of a text format (text, Markdown, XML, HTML, JSON).

    UTF-16 or UTF-32 when the data starts with their byte order mark; else UTF-8 (with or
    without BOM) first; then a ``charset=`` / ``encoding=`` declaration in the first 2 kB;
    then Windows-1252 when the data is mostly ASCII (Latin-1 text).

    Args:
        data: The raw bytes.
        name: The file name for messages.

    Returns:
        The decoded text (not yet normalised).

    Raises:
        InputError: When the data contains NUL bytes or many control characters, or is neither
            UTF-8 nor mostly ASCII.
    """
    wide = _wide_encoding(data)
    if wide is not None:
        try:
            text = data.decode(wide)  # the codec reads the BOM and drops it
        except UnicodeDecodeError as exc:
            raise _binary_error(
                name, f"it starts with a {wide.upper()} byte order mark but is not {wide.upper()}"
            ) from exc
    elif b"\x00" in data:
        raise _binary_error(name, f"{data.count(0)} NUL bytes")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _decode_fallback(data, name)
    controls = len(_CONTROL.findall(text))
    if controls > MAX_JUNK_SHARE * len(text):
        raise _binary_error(name, f"{controls / len(text):.0%} control characters")
    return text


def _wide_encoding(data: bytes) -> str | None:
    """``"utf-32"`` or ``"utf-16"`` when ``data`` starts with that encoding's byte order mark."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE 00 00 starts with FF FE
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _decode_fallback(data: bytes, name: str) -> str:
    declared = _CHARSET.search(data[:2048]) or re.search(rb"""encoding=["']([A-Za-z0-9_.:-]+)""", data[:200])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            logger.debug("%s: declared charset %r does not decode the file", name, declared.group(1))
    high = sum(1 for b in data if b >= 0x80)
    if high > MAX_HIGH_SHARE * len(data):
        raise _binary_error(name, f"{high / len(data):.0%} of the bytes are not ASCII and the data is not valid UTF-8")
    logger.warning("%s is not valid UTF-8; decoding it as Windows-1252 (Latin-1)", name)
    return data.decode("cp1252", errors="replace")


def strip_controls(text: str) -> str:
    """``text`` without control characters (except ``\\n`` and ``\\t``), bidi controls and invisible format characters.

    What a reader or a terminal must never pass on: escape sequences (``ESC [``), bell,
    carriage return, right-to-left overrides (U+202E), zero-width characters.

    Example:
        >>> strip_controls("Mice\\x1b[31m \\u202eslept\\u202c\\tlonger\\n")
        'Mice[31m slept\\tlonger\\n'
    """
    return _UNSAFE.sub("", text)


#: Typographic ligatures (U+FB00-FB06) as the letters they stand for ("ﬁ" -> "fi").
LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                           "\ufb05": "st", "\ufb06": "st"})  # fmt: skip


def normalize_text(text: str) -> str:
    """Normalise extracted text the same way for every reader.

    Typographic ligatures become letters ("ﬁ" -> "fi", PDFs keep them); Unicode NFC;
    ``\\r\\n`` and ``\\r`` become ``\\n``; control characters except ``\\n`` and ``\\t``,
    bidi controls (U+202E...) and invisible format characters (soft hyphen, zero-width space,
    BOM) are removed (:func:`strip_controls`); runs of spaces and tabs become one space; lines
    are stripped; at most one blank line separates paragraphs; the result has no leading or
    trailing whitespace.

    Args:
        text: Any text.

    Returns:
        The normalised text.

    Example:
        >>> normalize_text("Mice\\r\\n\\r\\n\\r\\n  sleep \\t well\\x07.")
        'Mice\\n\\nsleep well.'
        >>> normalize_text("Simpli\\ufb01ed \\ufb02ow")
        'Simplified flow'
    """
    text = unicodedata.normalize("NFC", text.translate(LIGATURES)).replace("\r\n", "\n").replace("\r", "\n")
    text = strip_controls(text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def words(text: str) -> list[str]:
    """The alphabetic words of ``text`` (numbers and punctuation are not words)."""
    return _WORD.findall(text)


def english_ratio(text: str) -> float:
    """Share of the words of ``text`` that are common English function words.

    Around 0.3-0.45 for English prose, science included; well under 0.1 for German, French
    or Spanish. 0.0 for a text without words.

    Example:
        >>> round(english_ratio("The mice were fed in the dark phase of the day."), 2)
        0.55
    """
    tokens = words(text)
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if t.lower() in FUNCTION_WORDS) / len(tokens)


#: Measured cost of sentence analysis (``benchmarks/long_input.py``), quoted in the error.
SECONDS_PER_MILLION_CHARS = 25


def check_text(text: str, name: str, config: InputConfig) -> None:
    """Check normalised, extracted text: not empty, long enough, English.

    Args:
        text: The text a reader extracted.
        name: The file name (or another label) for messages.
        config: Input limits (``max_chars``, ``min_words``, ``min_english_ratio``).

    Raises:
        InputError: When the text is empty, longer than ``config.max_chars`` characters or
            has fewer than ``config.min_words`` words.
        UnsupportedLanguageError: When a text of 40 words or more has a share of English
            function words below ``config.min_english_ratio``.
    """
    if not text.strip():
        raise InputError(f"{name} contains no text; expected a document with at least {config.min_words} words")
    if len(text) > config.max_chars:
        raise InputError(
            f"{name} has {len(text):,} characters of text, more than input.max_chars={config.max_chars} "
            f"(sentence analysis takes about {SECONDS_PER_MILLION_CHARS} s per million characters on 2 cores); "
            f"raise it with --set input.max_chars={len(text) + 1}"
        )
    tokens = words(text)
    if len(tokens) < config.min_words:
        raise InputError(
            f"{name} has only {len(tokens)} words of text; expected at least {config.min_words} "
            "(lower the limit with --set input.min_words=N)"
        )
    if len(tokens) >= MIN_WORDS_FOR_LANGUAGE:
        ratio = english_ratio(text)
        if ratio < config.min_english_ratio:
            raise UnsupportedLanguageError(
                f"{name} does not look like English: {ratio:.1%} of its {len(tokens)} words are common English "
                f"words, expected at least {config.min_english_ratio:.0%}; sciwire's models handle English only "
                "(translate it, or lower the check with --set input.min_english_ratio=0)"
            )
