"""The report's panel groups, and the "Shared with the paper" part of the "Who and what" group.

Steps hand over panels (:class:`~sciwire.analysis.Panel`); those with the same ``group`` are
shown as one block, under the group's heading, each under its own title. The terms, relations
and chains panels of the ``terms``, ``relations`` and ``incoref`` steps join
:data:`~sciwire.analysis.WHO_AND_WHAT`; the report adds what each story shares with the paper
(:mod:`sciwire.report.shared`), as buttons that highlight and scroll to every place both use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from sciwire.analysis import WHO_AND_WHAT, Analysis, Panel
from sciwire.report.shared import ENTITY, LINKED, TERM, SharedItem, SharedView, has_shared

#: Linked clusters shown per story (the most probable, at least this probability); report.json has all.
LINKED_SHOWN, LINKED_MIN_P = 12, 0.5
#: The optional steps whose panels join the "Who and what" group, and what each adds.
WHO_STEPS = {"terms": "the paper's terms and abbreviations", "relations": "relations between them",
             "incoref": "who is who in each story"}  # fmt: skip
_ENTITY_WORDS = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "NORP": "group",
                 "FAC": "facility", "PRODUCT": "product", "EVENT": "event", "WORK_OF_ART": "work"}  # fmt: skip


@dataclass(frozen=True)
class Block:
    """One block of panels in the page: a lone panel (``parts`` empty) or a group of them."""

    title: str
    body: Markup = field(default_factory=Markup)
    parts: tuple[Panel, ...] = field(default_factory=tuple)


def blocks_of(panels: Sequence[Panel]) -> list[Block]:
    """The page's blocks in panel order; a group stands where its first panel would."""
    blocks: list[Block] = []
    where: dict[str, int] = {}
    for panel in panels:
        if not panel.group:
            blocks.append(Block(panel.title, panel.body))
        elif panel.group in where:
            k = where[panel.group]
            blocks[k] = Block(panel.group, parts=(*blocks[k].parts, panel))
        else:
            where[panel.group] = len(blocks)
            blocks.append(Block(panel.group, parts=(panel,)))
    return blocks


def _counts(item: SharedItem) -> str:
    return f"{len(item.paper)} in the paper, {len(item.story)} in the story"


def _button(item: SharedItem, number: int) -> Markup:
    if item.expansion:
        text = f"{item.text} — {item.expansion}"
    else:
        text = item.story_text if item.kind == LINKED else item.text
    return Markup('<button type="button" class="shared-link" data-shared="{}" data-story="{}" aria-pressed="false">'
                  "{}</button>").format(item.key, number, text)  # fmt: skip


def _row(item: SharedItem, number: int) -> Markup:
    if item.kind == TERM:
        what = f"{item.label} · {_counts(item)}"
    elif item.kind == ENTITY:
        what = f"{_ENTITY_WORDS.get(item.label, item.label)} · {_counts(item)}"
    else:
        what = Markup("the paper: “{}” · p = {:.2f} · {}").format(item.text, item.probability or 0.0, _counts(item))
    return Markup("<li>{} <small>{}</small></li>").format(_button(item, number), what)


def _story_part(title: str, items: Sequence[SharedItem], number: int) -> Markup:
    named = [i for i in items if i.kind in (TERM, ENTITY)]
    linked = [i for i in items if i.kind == LINKED and (i.probability or 0.0) >= LINKED_MIN_P][:LINKED_SHOWN]
    rows = Markup("").join(_row(i, number) for i in named) or Markup("<li>No term or named entity in common.</li>")
    out = Markup('<h4>{}</h4><ul class="shared-list">{}</ul>').format(title, rows)
    if linked:
        more = Markup("").join(_row(i, number) for i in linked)
        out += Markup(
            "<details><summary>Also linked by cross-document coreference ({} most probable)</summary>"
            '<ul class="shared-list">{}</ul></details>'
        ).format(len(linked), more)
    return out


def shared_panel(analysis: Analysis, view: SharedView) -> Panel | None:
    """Per story, the terms and entities it shares with the paper, as buttons that find them in both texts."""
    if not has_shared(analysis) or not analysis.stories:
        return None
    parts = [
        _story_part(f"Story: {story.title or story.id}", items, k)
        for k, (story, items) in enumerate(zip(analysis.stories, view.items, strict=True))
    ]
    missing = [f"{name} ({what})" for name, what in WHO_STEPS.items() if name not in {s.name for s in analysis.steps}]
    hint = (
        Markup(
            '<p class="note">Not run: {}. Add them to <code>--steps</code> to see them here, e.g. '
            "<code>sciwire analyze paper.pdf --news story.html --steps "
            "discourse,fidelity,keyphrases,newsworthiness,linking,terms,relations,incoref</code>.</p>"
        ).format("; ".join(missing))
        if missing
        else Markup("")
    )
    intro = Markup(
        "<p>Press a button to highlight every place where the paper and the story use it; press it again "
        'to go to the next place.</p><p class="muted shared-status" role="status" aria-live="polite"></p>'
    )
    return Panel("Shared by each story and the paper", intro + Markup("").join(parts) + hint, order=46,
                 group=WHO_AND_WHAT)  # fmt: skip
