"""PDF reading against the source: synthetic articles typeset here, plus the real files as smoke checks.

Protocol (see docs/benchmarks.md, section "readers"):
- Synthetic: the articles of ``_pdfgen.ARTICLES`` (text written for this benchmark) are
  typeset with reportlab in one column and in two columns, and once in one column with an
  embedded DejaVu Serif TTF and the text written with U+FB01/U+FB02/U+FB03 ligature
  characters (reportlab's standard fonts have no ligature glyphs). Each PDF is read back with
  sciwire's PDF reader and scored against its source:
  ``body sim``: difflib ratio on whitespace-normalised text between the source body (abstract,
  prose, list items, floats in source order) and the document text without the title section
  and the headings; ``prose exact``: share of source prose paragraphs that come back as a
  paragraph of their own, nothing glued to them; ``section F1``: headings matched by their text;
  ``title``/``authors``: exact match; ``footer leaks``: running header/footer lines found in
  the text, per page; ``ligatures``: ligature characters left plus source words with fi/fl/ff
  missing from the text.
- Real: the PDFs and JATS files of ``$SCIWIRE_DATA/real/papers`` (skipped when absent) with
  property checks: running lines (lines repeated on at least half of the pages of pypdf's
  raw text, digits ignored) or venue lines found outside the references; ligature characters
  and known dropped-ligature words; title merged with an author name; number of sections and
  the largest "other" section.

Run: ``python benchmarks/readers.py [--write] [--reader PATH]``; ``--reader`` loads another
copy of ``pdf.py`` (e.g. the one before a change) instead of sciwire's.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from difflib import SequenceMatcher
from pathlib import Path
from types import ModuleType

from _common import ROOT, header, markdown_table, update_section
from _pdfgen import ARTICLES, Article, typeset

from sciwire.document import Document
from sciwire.readers import read
from sciwire.readers.base import RawFile

DATA = Path(os.environ.get("SCIWIRE_DATA", ROOT.parent / "shared" / "data"))
#: Words that lose a ligature glyph in some PDFs ("Simplied" for "Simplified").
DROPPED = re.compile(
    r"\b(?:simplied|rst|gure|gures|signicant(?:ly)?|dierent|dierence|eect|eects|eld|elds|specic|denition|"
    r"dened|ecient(?:ly)?|benet|benets|inuence|conict|reect|workow|les|ve years|nally)\b",
    re.IGNORECASE,
)
LIGATURE_CHARS = re.compile("[\ufb00-\ufb06]")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _load_reader(path: Path | None) -> Callable[[Path], Document]:
    if path is None:
        return read
    spec = importlib.util.spec_from_file_location("pdf_under_test", path)
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def read_with(file: Path) -> Document:
        if file.suffix != ".pdf":
            return read(file)
        return module.read_pdf(RawFile(file.read_bytes(), file.stem.lower(), file.name, source=str(file)))

    return read_with


def _body(doc: Document) -> tuple[str, list[str]]:
    """Text without the title section and headings, and its paragraphs."""
    paras: list[str] = []
    for section in doc.sections:
        if section.name in ("title", "references"):
            continue
        for para in doc.span_text(section).split("\n\n"):
            if para.strip() and para.strip() != section.heading:
                paras.append(para.strip())
    return _norm(" ".join(paras)), paras


def _headings(doc: Document) -> set[str]:
    return {_norm(s.heading).lower() for s in doc.sections if s.heading}


def score_article(article: Article, doc: Document, pages: int) -> dict[str, float]:
    """Scores of one synthetic PDF read back (see the module docstring)."""
    source = _norm(" ".join([*article.prose(), *article.floats()]))
    body, paras = _body(doc)
    prose = article.prose()
    exact = sum(_norm(p) in {_norm(q) for q in paras} for p in prose) / len(prose)
    gold = {_norm(h).lower() for h, _ in article.sections} | {"abstract"}
    found = _headings(doc)
    tp = len(gold & found)
    f1 = 2 * tp / (len(gold) + len(found)) if gold or found else 1.0
    running = [f"{article.journal} 12 (2026)", f"{article.journal} | https://doi.org/{article.doi}"]
    leaks = sum(doc.text.count(r) for r in running) / pages
    words = Counter(re.findall(r"\w*(?:fi|fl|ff)\w*", source.lower()))
    text_words = set(re.findall(r"\w+", doc.text.lower()))
    lost = sum(1 for w in words if w not in text_words) + len(LIGATURE_CHARS.findall(doc.text))
    return {
        "body sim": SequenceMatcher(None, source, body, autojunk=False).ratio(),
        "prose exact": exact,
        "section F1": f1,
        "title": float(doc.title == article.title),
        "authors": float(tuple(doc.metadata.authors) == article.authors),
        "footer leaks/page": leaks,
        "ligature losses": float(lost),
    }


def synthetic(reader: Callable[[Path], Document]) -> list[list[object]]:
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        variants = [(a, c, "") for a in ARTICLES for c in (1, 2)]
        variants += [(ARTICLES[1], 1, "lig"), (ARTICLES[1], 1, "dropped")]
        totals: Counter[str] = Counter()
        for article, columns, ligatures in variants:
            path = Path(tmp) / f"{article.name}-{columns}col{'-' + ligatures if ligatures else ''}.pdf"
            pages = typeset(
                article, path, columns=columns, ligature_font=ligatures == "lig", drop_ligatures=ligatures == "dropped"
            )
            scores = score_article(article, reader(path), pages)
            totals.update(scores)
            rows.append([path.stem, pages, *(f"{v:.3f}" if k == "body sim" else f"{v:.2f}" for k, v in scores.items())])
        rows.append(["**mean**", "", *(f"{v / len(variants):.3f}" for v in totals.values())])
    return rows


def _raw_running(path: Path) -> list[str]:
    """Lines repeated (digits ignored) on at least half of the pages of pypdf's raw text."""
    import pypdf

    pages = [(page.extract_text() or "").split("\n") for page in pypdf.PdfReader(path).pages]
    counts: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    for lines in pages:
        for line in {line.strip() for line in lines}:
            key = re.sub(r"\d+", "#", line.lower())
            if sum(c.isalpha() for c in key) >= 8:
                counts[key] += 1
                spelled.setdefault(key, line)
    return [spelled[k] for k, n in counts.items() if n >= max(2, len(pages) / 2)]


def real(reader: Callable[[Path], Document]) -> list[list[object]]:
    folder = DATA / "real" / "papers"
    rows: list[list[object]] = []
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        doc = reader(path)
        outside = "\n".join(doc.span_text(s) for s in doc.sections if s.name != "references")
        running = _raw_running(path) if path.suffix == ".pdf" else []
        venue = len(re.findall(r"Proceedings of the|c©\d{4}|©\s?\d{4} Association", outside))
        leaks = sum(outside.count(r) for r in running) + venue
        ligatures = len(LIGATURE_CHARS.findall(doc.text)) + len(DROPPED.findall(doc.text))
        surnames = [a.split()[-1] for a in doc.metadata.authors if a.split()]
        merged = any(s in doc.title for s in surnames) or len(doc.title.split()) > 30
        others = [s.end - s.start for s in doc.sections if s.name == "other"]
        accents = len(re.findall(r"[\u00b4\u00a8\u02c6\u02dc\u02c7][^\W\d_]", doc.text))
        rows.append(
            [
                path.name,
                leaks,
                ligatures,
                accents,
                "yes" if merged else "no",
                len(doc.metadata.authors),
                len(doc.sections),
                max(others, default=0),
                doc.title[:60],
            ]
        )
    return rows


SYNTH_HEADERS = ["PDF", "pages", "body sim", "prose exact", "section F1", "title", "authors", "footer leaks/page"]
SYNTH_HEADERS += ["ligature losses"]
REAL_HEADERS = ["file", "running/venue lines in text", "ligature losses", "uncomposed accents", "title merged"]
REAL_HEADERS += ["authors", "sections", "largest other (chars)", "title"]


NOTES = """
Ligatures: reportlab's standard fonts have no ligature glyphs, so the `-lig` article is set in
DejaVu Serif (embedded TTF) with the text written with U+FB01/U+FB02/U+FB03 characters; the reader
must give back "fi"/"fl"/"ffi". The `-dropped` article is written without those letters, which is
what a real PDF gives when its font draws a ligature without any Unicode mapping (the "Simplied"
case); the reader puts them back from a word list when a document shows that symptom
(`sciwire.readers.ligatures`; a word that is not in the list, like "workflow", stays lost). Two-page
documents keep running lines that do not change between pages (only a changing page counter
proves a footer with two pages), which is why `bees-2col` still leaks its header. `body sim`
stays below 1 by design: floats (footnotes, tables, captions) are moved after the paragraph
they interrupt, and footnote marks are glued to the word before them.
"""


def _tables(reader: Callable[[Path], Document]) -> tuple[str, str]:
    synth = markdown_table(SYNTH_HEADERS, synthetic(reader))
    smoke = real(reader)
    return synth, markdown_table(REAL_HEADERS, smoke) if smoke else "Skipped: the data folder is absent."


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--write", action="store_true", help="write the tables into docs/benchmarks.md")
    parser.add_argument("--reader", type=Path, help="another pdf.py to load instead of sciwire's (for a baseline)")
    parser.add_argument("--before", type=Path, help="also score this older pdf.py and show it as 'before'")
    parser.add_argument("--before-label", default="", help="what --before is (e.g. the commit it came from)")
    args = parser.parse_args(argv)
    synth, smoke = _tables(_load_reader(args.reader))
    text = f"### Synthetic articles\n\n{synth}\n\n### Real files (`$SCIWIRE_DATA/real/papers`)\n\n{smoke}\n"
    if args.before:
        old_synth, old_smoke = _tables(_load_reader(args.before))
        text += f"\n### Before: {args.before_label or args.before.name}\n\n{old_synth}\n\n{old_smoke}\n"
    text += NOTES
    print(text)
    if args.write:
        command = "python benchmarks/readers.py --write"
        command += f" --reader {args.reader}" if args.reader else ""
        command += f" --before {args.before} --before-label '{args.before_label}'" if args.before else ""
        update_section("readers", "Reading PDFs (synthetic articles and real files)", header(command) + "\n" + text)


if __name__ == "__main__":
    sys.exit(main())
