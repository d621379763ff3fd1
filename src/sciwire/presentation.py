"""How capabilities contribute to reports, without importing the report layer.

A capability (discourse roles, keyphrases...) registers, at import time of its ``report``
module:

- a **panel**: a titled block of the HTML page, built from the Analysis;
- a **badge** builder: small labels after sentences (e.g. the sentence's role);
- a **summary** builder: a JSON-compatible dict added to ``report.json["summary"]``.

Panel bodies must be built with escaping (``markupsafe.escape`` / ``Markup.format``):
document text is untrusted.

Example:
    >>> from markupsafe import escape
    >>> @register_panel
    ... def my_panel(analysis):
    ...     return Panel("Roles", escape("<none>"), order=10)
    >>> my_panel in PANELS
    True
    >>> PANELS.remove(my_panel)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from sciwire.document import Document, Sentence

if TYPE_CHECKING:
    from sciwire.pipeline import Analysis


@dataclass(frozen=True)
class Panel:
    """A titled block of the report; ``body`` must be built with escaping (Markup)."""

    title: str
    body: Markup
    order: int = 100


@dataclass(frozen=True)
class Badge:
    """A small label shown after a sentence, with a tooltip and an optional CSS class."""

    text: str
    tooltip: str = ""
    css_class: str = ""
    color: str = ""


PanelBuilder = Callable[["Analysis"], Panel | None]
BadgeBuilder = Callable[[Document, Sentence], Sequence[Badge]]
SummaryBuilder = Callable[["Analysis"], dict[str, Any] | None]
PANELS: list[PanelBuilder] = []
BADGES: list[BadgeBuilder] = []
SUMMARIES: dict[str, SummaryBuilder] = {}


def register_panel(builder: PanelBuilder) -> PanelBuilder:
    """Add a panel builder (usable as a decorator); registering twice is a no-op."""
    if builder not in PANELS:
        PANELS.append(builder)
    return builder


def register_badge(builder: BadgeBuilder) -> BadgeBuilder:
    """Add a sentence-badge builder (usable as a decorator)."""
    if builder not in BADGES:
        BADGES.append(builder)
    return builder


def register_summary(name: str) -> Callable[[SummaryBuilder], SummaryBuilder]:
    """Add ``report.json["summary"][name]``, computed by the decorated function."""

    def decorator(builder: SummaryBuilder) -> SummaryBuilder:
        SUMMARIES[name] = builder
        return builder

    return decorator
