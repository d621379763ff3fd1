"""Scientific terms and abbreviations: Schwartz-Hearst definitions resolved across a document,
and noun-phrase terms typed method / task / material / measure / other.

Only the abbreviation functions are imported here (pure Python, no models), so importing this
package stays cheap; the typers live in :mod:`sciwire.terms.model`, the library functions in
:mod:`sciwire.terms.api`.
"""

from sciwire.terms.abbreviations import (
    GLOSSARY,
    Abbreviation,
    AbbreviationMention,
    find_abbreviations,
    resolve_abbreviations,
    schwartz_hearst,
)

__all__ = [
    "GLOSSARY",
    "Abbreviation",
    "AbbreviationMention",
    "find_abbreviations",
    "resolve_abbreviations",
    "schwartz_hearst",
]
