"""CoreSC (Elsevier OA-STM corpus): 99 CC-BY papers, every sentence with a Core Scientific Concept.

Files (under ``<data_dir>/coresc``):

- ``sentences.tsv``: ``paper_id, domain, default_test_set, annotation, sid, labels, text``, one
  row per sentence, ``labels`` one of the 11 CoreSC codes (Bac Con Exp Goa Hyp Met Mod Mot
  Obj Obs Res), all ``annotation == "auto"``: **silver** labels from the SAPIENTA tagger;
- ``xml/<paper_id>_CoreSC.xml``: the same sentences (``<s sid=..>``, label in
  ``<CoreSc1 type=..>``) in document order, inside ``<ABSTRACT>`` and ``<BODY>``; section
  headings are the bare text lines between sentences ("Introduction", "2.", "Proof"...);
- ``fileCategories.txt``: ``paper_id<TAB>domain``.

:func:`load_coresc` reads the XML for order and sections (a line between sentences that
:func:`~sciwire.readers.sections.canonical_section_name` recognises opens a new section; other
lines, such as "Proof" or "2.1 Animals", keep the current one) and checks every sentence
against ``sentences.tsv``. Licence of the articles: CC-BY 4.0, so models trained on them
may ship.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from typing import Any

from sciwire.datasets.base import data_path
from sciwire.errors import InputError
from sciwire.readers.sections import canonical_section_name

CORESC_CODES: tuple[str, ...] = ("Bac", "Con", "Exp", "Goa", "Hyp", "Met", "Mod", "Mot", "Obj", "Obs", "Res")


@dataclass(frozen=True)
class CorescPaper:
    """One CoreSC paper: sentences in document order with their silver labels and sections.

    Attributes:
        paper_id: Elsevier PII, e.g. ``S0001870812002101``.
        domain: One of the 10 domains (Agriculture ... Medicine).
        test_set: Whether the paper is in the corpus' default test set (one per domain).
        title: The title.
        sids: SAPIENTA sentence ids, in order.
        sentences: Sentence texts (whitespace normalised).
        labels: CoreSC codes, one per sentence.
        sections: Canonical section name per sentence (``abstract``, ``introduction``...,
            ``body`` before the first recognised heading of the body).
        headings: The heading as written per sentence ("" when none).
    """

    paper_id: str
    domain: str
    test_set: bool
    title: str
    sids: tuple[int, ...]
    sentences: tuple[str, ...]
    labels: tuple[str, ...]
    sections: tuple[str, ...]
    headings: tuple[str, ...]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def load_sentence_table(folder: str | os.PathLike[str]) -> dict[str, list[dict[str, str]]]:
    """``sentences.tsv`` of a CoreSC folder, grouped by paper id, rows in file order."""
    path = data_path(folder, "sentences.tsv")
    csv.field_size_limit(1 << 26)
    papers: dict[str, list[dict[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"paper_id", "domain", "default_test_set", "sid", "labels", "text"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(f"{path} lacks the columns {sorted(missing)}; expected the CoreSC sentences.tsv")
        for row in reader:
            papers.setdefault(row["paper_id"], []).append(row)
    return papers


def _parse_xml(path: os.PathLike[str]) -> tuple[str, list[tuple[int, str, str, str, str]]]:
    """Title and (sid, label, text, section, heading) per sentence of one CoreSC XML file."""
    from defusedxml import ElementTree

    root = ElementTree.parse(path).getroot()
    title = _norm(root.findtext("TITLE") or "")
    out: list[tuple[int, str, str, str, str]] = []
    for part, default in (("ABSTRACT", "abstract"), ("BODY", "body")):
        element = root.find(part)
        if element is None:
            continue
        section, heading = default, "Abstract" if part == "ABSTRACT" else ""
        # the element's text, then each child followed by its tail (where headings live)
        items: list[Any] = [element.text]
        for child in element:
            items.extend([child, child.tail])
        for item in items:
            if item is None or isinstance(item, str):
                for line in (item or "").split("\n") if part == "BODY" else ():
                    name = canonical_section_name(line) if len(line.split()) <= 8 else None
                    if name is not None and name != "abstract":
                        section, heading = name, _norm(line)
            elif item.tag == "s":
                marker = item.find("CoreSc1")
                label = marker.get("type", "") if marker is not None else ""
                text = _norm(item.findtext("text") or "")
                out.append((int(item.get("sid", "0")), label, text, section, heading))
    return title, out


def load_coresc(data_dir: str | os.PathLike[str], paper_ids: list[str] | None = None) -> list[CorescPaper]:
    """All CoreSC papers of ``<data_dir>/coresc`` (or those in ``paper_ids``), sorted by paper id.

    Raises:
        InputError: When a file is missing or the XML and ``sentences.tsv`` disagree.
    """
    return load_coresc_folder(data_path(data_dir, "coresc"), paper_ids)


def load_coresc_folder(folder: str | os.PathLike[str], paper_ids: list[str] | None = None) -> list[CorescPaper]:
    """Like :func:`load_coresc`, from a folder in the CoreSC layout (``sentences.tsv`` + ``xml/``)."""
    table = load_sentence_table(folder)
    folder = data_path(folder, "xml")
    papers = []
    for pid in sorted(paper_ids if paper_ids is not None else table):
        rows = table.get(pid)
        if not rows:
            raise InputError(f"CoreSC paper {pid!r} is not in sentences.tsv")
        title, sents = _parse_xml(data_path(folder, f"{pid}_CoreSC.xml"))
        by_sid = {int(r["sid"]): r for r in rows}
        if len(sents) != len(rows) or any(sid not in by_sid for sid, *_ in sents):
            raise InputError(
                f"CoreSC paper {pid}: the XML has {len(sents)} sentences, sentences.tsv {len(rows)}; they must match"
            )
        labels = tuple(by_sid[sid]["labels"] for sid, *_ in sents)
        unknown = sorted(set(labels) - set(CORESC_CODES))
        if unknown:
            raise InputError(f"CoreSC paper {pid} has unknown labels {unknown}; expected {CORESC_CODES}")
        papers.append(
            CorescPaper(
                paper_id=pid,
                domain=rows[0]["domain"],
                test_set=rows[0]["default_test_set"].strip().lower() == "true",
                title=title,
                sids=tuple(s[0] for s in sents),
                sentences=tuple(s[2] or _norm(by_sid[s[0]]["text"]) for s in sents),
                labels=labels,
                sections=tuple(s[3] for s in sents),
                headings=tuple(s[4] for s in sents),
            )
        )
    return papers
