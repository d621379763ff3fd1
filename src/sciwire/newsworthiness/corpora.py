"""Abstracts of the research data sets as :class:`~.papers.Paper` objects (read by path, never copied).

- :func:`cdcr_papers`: the 238 CD²CR abstracts, papers that **received news coverage**
  (academic / personal use only: evaluation, never a shipped model);
- :func:`pubmedqa_papers`: 500 PubMedQA PQA-L abstracts (biomedicine; MIT), rebuilt from the
  section texts and the conclusion *without* the section labels;
- :func:`arxiv_papers`: the arXiv multilabel abstracts (computer science and statistics),
  de-duplicated;
- :func:`coresc_papers`: the 99 CoreSC abstracts (10 Elsevier domains; CC-BY 4.0);
- :func:`csabstruct_papers`: CSAbstruct abstracts (computer science; Apache-2.0).

Each returns papers with ``extra["source"]`` set; :func:`abstract_only` strips titles and
metadata, which the weak-label protocol needs because CD²CR has neither.
"""

from __future__ import annotations

import ast
import csv
import os
from dataclasses import replace

from sciwire.datasets import data_path
from sciwire.errors import InputError
from sciwire.newsworthiness.papers import Paper, normalise_abstract


def cdcr_papers(data_dir: str | os.PathLike[str]) -> list[Paper]:
    """CD²CR's covered papers (``sci_papers.json``): abstract and DOI."""
    from sciwire.datasets.cdcr import load_papers

    return [
        Paper(f"cdcr-{pid}", "", row["abstract"], doi=row["doi"], extra={"source": "cdcr"})
        for pid, row in load_papers(data_dir).items()
        if row["abstract"].strip()
    ]


def pubmedqa_papers(data_dir: str | os.PathLike[str]) -> list[Paper]:
    """PubMedQA PQA-L abstracts: section texts plus the conclusion, without section labels."""
    from sciwire.datasets.pubmedqa import load_pubmedqa

    return [
        Paper(
            f"pubmedqa-{item.pmid}",
            "",
            " ".join([*item.contexts, item.long_answer]),
            date=item.year,
            extra={"source": "pubmedqa"},
        )
        for item in load_pubmedqa(data_dir)
    ]


def arxiv_papers(data_dir: str | os.PathLike[str]) -> list[Paper]:
    """arXiv multilabel abstracts with their categories; exact duplicates dropped."""
    path = data_path(data_dir, "arxiv_multilabel", "arxiv_data.csv")
    papers, seen = [], set()
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            key = normalise_abstract(row["summaries"]).lower()
            if key in seen:
                continue
            seen.add(key)
            try:
                terms = ast.literal_eval(row["terms"])
            except (ValueError, SyntaxError) as exc:
                raise InputError(f"{path.name}:{n}: terms {row['terms']!r} is not a Python list") from exc
            papers.append(
                Paper(f"arxiv-{n}", row["titles"], row["summaries"], categories=tuple(terms), extra={"source": "arxiv"})
            )
    return papers


def coresc_papers(data_dir: str | os.PathLike[str]) -> list[Paper]:
    """CoreSC titles and abstracts (``xml/*.xml``), with the Elsevier domain in ``extra``."""
    from defusedxml import ElementTree

    folder = data_path(data_dir, "coresc", "xml")
    domains = {}
    cats = data_path(data_dir, "coresc", "fileCategories.txt")
    for line in cats.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            pid, domain = line.split("\t", 1)
            domains[pid.strip()] = domain.strip()
    papers = []
    for path in sorted(folder.glob("*.xml")):
        root = ElementTree.parse(path).getroot()
        abstract = root.find("ABSTRACT")
        text = " ".join((t.text or "").strip() for t in abstract.iter("text")) if abstract is not None else ""
        title = " ".join((root.findtext("TITLE") or "").split())
        pid = path.stem.removesuffix("_CoreSC")
        if text.strip():
            papers.append(
                Paper(f"coresc-{pid}", title, text, extra={"source": "coresc", "domain": domains.get(pid, "")})
            )
    return papers


def csabstruct_papers(data_dir: str | os.PathLike[str], splits: tuple[str, ...] = ("train", "dev")) -> list[Paper]:
    """CSAbstruct abstracts (sentences joined), ids by line (the file's ``abstract_id`` is 0 on every line)."""
    from sciwire.datasets.csabstruct import load_csabstruct

    papers = []
    for split in splits:
        for abstract in load_csabstruct(data_dir, split):
            papers.append(
                Paper(f"csabstruct-{abstract.id}", "", " ".join(abstract.sentences), extra={"source": "csabstruct"})
            )
    return papers


def abstract_only(papers: list[Paper]) -> list[Paper]:
    """The papers without title, categories, venue, DOI, date or extra text (sources kept)."""
    return [replace(p, title="", categories=(), venue="", doi="", date="", url="", text="") for p in papers]
