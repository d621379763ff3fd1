from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sciwire.errors import InputError
from sciwire.readers import read
from sciwire.readers.base import RawFile
from sciwire.readers.pdf import read_pdf
from sciwire.readers.pdf_layout import (
    Line,
    author_names,
    compose_accents,
    continues_numbering,
    is_equation,
    is_table_row,
    join_hyphenated,
    lines_to_blocks,
    strip_running_lines,
)
from sciwire.readers.sections import assemble
from tests.readers.conftest import ENGLISH, HEADER, PAPER_PAGES, build_pdf, wrap

pypdf = pytest.importorskip("pypdf")


def test_pdf_paper_is_cleaned_and_sectioned(paper_pdf: Path):
    doc = read(paper_pdf)
    assert doc.id == "feeding-paper" and doc.kind == "paper"
    assert doc.title == "Feeding Time and Sleep in Aged Mice"
    assert "Made-up Chronobiology" not in doc.text, "running header removed"
    assert "Page " not in doc.text and "of 3" not in doc.text, "page-number footer removed"
    assert "the regulation of these rhythms" in doc.text
    assert "regu-" not in doc.text
    assert "mice on the time-restricted schedule" in doc.text, "a real hyphen is kept"
    assert [s.name for s in doc.sections] == [
        "title",
        "abstract",
        "introduction",
        "methods",
        "results",
        "discussion",
        "references",
    ]
    methods = doc.sections[3]
    assert methods.heading == "2. Methods"
    assert "2.1 Animals" in doc.span_text(methods), "a subsection stays in its parent section"
    refs = doc.span_text(doc.sections[-1]).split("\n\n", 1)[1].split("\n")
    assert len(refs) == 3
    assert refs[2] == (
        "[3] Brown A. A very long reference title that goes on and on until it continues on the next line "
        "of the list. Fake Rev. 2021;3:7-9."
    )
    assert doc.sentences == ()


def test_pdf_headings_are_paragraphs_of_their_own(paper_pdf: Path):
    doc = read(paper_pdf)
    for section in doc.sections[1:]:
        assert doc.text[section.start :].startswith(section.heading + "\n\n")
    assert "Ada Author, Ben Author" in doc.text.split("\n\n")[:3], "front-matter lines are not glued together"


def test_pdf_title_from_metadata_when_meaningful(tmp_path: Path):
    path = build_pdf(tmp_path / "t.pdf", PAPER_PAGES, title="Meal Timing Shapes Sleep in Old Mice")
    assert read(path).title == "Meal Timing Shapes Sleep in Old Mice"


def _small_pdf(tmp_path: Path) -> Path:
    return build_pdf(tmp_path / "small.pdf", [wrap(ENGLISH)], header=None, footer=False)


def test_encrypted_pdf_is_an_input_error(tmp_path: Path):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(_small_pdf(tmp_path)))
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    writer.write(path)
    with pytest.raises(InputError, match=r"locked\.pdf is encrypted; decrypt it first \(e\.g\. qpdf --decrypt"):
        read(path)


def test_pdf_with_only_an_owner_password_opens(tmp_path: Path):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(_small_pdf(tmp_path)))
    writer.encrypt("", owner_password="owner")
    path = tmp_path / "owner.pdf"
    writer.write(path)
    assert "eight-hour window" in read(path).text


@pytest.mark.parametrize("keep", [0.3, 0.9])
def test_truncated_pdf_is_an_input_error(tmp_path: Path, paper_pdf: Path, keep: float):
    data = paper_pdf.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(InputError, match=r"cut\.pdf is damaged or truncated; pypdf says: .+Download it again"):
        read(path)


def test_pdf_without_text_asks_for_ocr(tmp_path: Path):
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "scan.pdf"
    pdf = Canvas(str(path))
    pdf.rect(50, 50, 400, 600, fill=1)
    pdf.showPage()
    pdf.save()
    with pytest.raises(InputError, match=r"scan\.pdf has no extractable text \(1 pages\).*OCR"):
        read(path)


def test_file_named_pdf_without_pdf_header(tmp_path: Path):
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"just some bytes \xff\xfe that are not a PDF")
    with pytest.raises(InputError, match=r"fake\.pdf does not look like a PDF"):
        read_pdf(RawFile(path.read_bytes(), "fake", "fake.pdf"))


def test_strip_running_lines_needs_repetition_on_half_the_pages():
    words = ["mice", "rats", "flies", "fish"]
    pages = [[HEADER, f"About {w}.", f"More on {w}.", f"End of {w}.", f"- {i} -"] for i, w in enumerate(words, 1)]
    pages[0].insert(0, "A title only on page one")
    cleaned = strip_running_lines(pages)
    assert cleaned[0] == ["A title only on page one", "About mice.", "More on mice.", "End of mice."]
    assert cleaned[3] == ["About fish.", "More on fish.", "End of fish."]
    two_pages = [["Same top line", "Text."], ["Same top line", "More text."]]
    assert strip_running_lines(two_pages) == two_pages, "with fewer than 3 pages nothing repeats enough"


@pytest.mark.parametrize(
    ("first", "second", "vocabulary", "expected"),
    [
        ("the regu-", "lation of sleep", {}, "the regulation of sleep"),
        ("Regu-", "lation of sleep", {}, "Regulation of sleep"),
        ("the time-", "restricted diet", {"time-restricted": 1}, "the time-restricted diet"),
        ("the time-", "restricted diet", {"timerestricted": 2, "time-restricted": 1}, "the timerestricted diet"),
        ("human T-", "cells", {}, "human T-cells"),
        ("the SARS-", "CoV-2 virus", {}, "the SARS-CoV-2 virus"),
        ("the COVID-", "related", {}, "the COVID-related"),
        ("page 5-", "7", {}, "page 5-7"),
    ],
)
def test_join_hyphenated(first: str, second: str, vocabulary: dict[str, int], expected: str):
    assert join_hyphenated(first, second, Counter(vocabulary)) == expected


def test_lines_to_blocks_paragraphs_and_subheadings():
    long = "x" * 60 + " filler words to make a full line"
    lines = [
        "1. Introduction",
        long,
        "ends here.",
        "Animals and housing",
        "Mice were kept in cages. The next sentence goes on and on to fill a line of text",
        "and ends here.",
    ]
    text, sections = assemble(lines_to_blocks(lines))
    assert text.split("\n\n") == [
        "1. Introduction",
        f"{long} ends here.",
        "Animals and housing",
        "Mice were kept in cages. The next sentence goes on and on to fill a line of text and ends here.",
    ]
    assert [s.name for s in sections] == ["introduction"]


def test_hash_lines_in_pdf_text_are_not_markdown_headings():
    lines = ["Results", "The config file starts with a comment:", "# generated file, do not edit", "and then data."]
    text, sections = assemble(lines_to_blocks(lines))
    assert [s.name for s in sections] == ["results"]
    assert "comment: # generated file, do not edit and then data." in text


# --- issue 16: clean PDF text ---------------------------------------------------------------


def test_compose_accents():
    assert compose_accents("Germ´an Kruszewski and J¨org Tiedemann") == "Germán Kruszewski and Jörg Tiedemann"
    assert compose_accents("Franc¸ois") == "François"
    assert compose_accents("na¨ıve") == "naïve"
    assert compose_accents("``quoted'' text") == "``quoted'' text", "a grave accent used as a quote stays"


def test_running_footer_with_page_counter_goes_anywhere_on_the_page():
    footer = "PLOS ONE | https://doi.org/10.1371/journal.pone.0000001 November 13, 2012"
    words = ["mice", "rats", "voles", "bats"]
    pages = [
        [f"On {w}.", f"More {w}.", f"{footer} {i} / 4", f"Yet more {w}.", f"End {w}."] for i, w in enumerate(words, 1)
    ]
    pages[1][2] = f"Glued start of a sentence {footer} 2 / 4"
    cleaned = strip_running_lines(pages)
    assert cleaned[0] == ["On mice.", "More mice.", "Yet more mice.", "End mice."], "mid-page footer removed"
    assert cleaned[1][2] == "Glued start of a sentence", "a footer glued to a text line is cut off"
    two = [["Text one.", f"{footer} 1 / 2"], ["Text two.", f"{footer} 2 / 2"]]
    assert strip_running_lines(two) == [["Text one."], ["Text two."]], "two pages: a changing counter is enough"


@pytest.mark.parametrize(
    ("last", "number", "expected"),
    [((2,), (3,), True), ((2, 4), (3,), True), ((2,), (2, 1), True), ((6,), (8,), True), ((4,), (1,), False)],
)
def test_continues_numbering(last: tuple[int, ...], number: tuple[int, ...], expected: bool):
    assert continues_numbering(last, number) is expected


def test_table_rows_equations_and_author_lines():
    assert is_table_row("0.00 0.21 100% 0.32 100%") and is_table_row("A◦N(En) A,N (It) 0.31,0.59 0.24,0.54")
    assert not is_table_row("we reach 85.68 which is only 0.09 points behind the first ranked system")
    assert is_equation("min WR∈Rd×2d ‖P − WR[U ; V ]‖ (1)")
    assert not is_equation("the results of Smith and Jones (2)")
    assert author_names("Jeffrey Dean and Sanjay Ghemawat") == ("Jeffrey Dean", "Sanjay Ghemawat")
    assert author_names("Ada Author1,2, B. C. Author*") == ("Ada Author", "B. C. Author")
    assert author_names("MapReduce: Simplified Data Processing on Large Clusters") == ()


def _body(text: str) -> Line:
    return Line(text, 10.0)


def test_floats_do_not_cut_sentences_and_headings_need_heading_type():
    full = "x" * 70
    lines = [
        Line("1 Introduction", 12.0, True),
        _body(f"Mice sleep in the day and {full}"),
        Line("1Here we make a simplifying assumption about mice.", 8.0),
        _body("the rats sleep at night, we found."),
        _body("0.55 0.25 70% 0.40 63%"),
        _body("Table 1: Sleep of mice and rats."),
        _body("y = W x + b (1)"),
        _body(f"1. Map the input into pairs of keys and values {full}"),
        _body("2. Reduce the pairs, as in the"),
        Line("1.1 Recursive (de)composition", 12.0, True),
        Line("2 Generation confidence and generation", 12.0, True),
        Line("quality", 12.0, True),
        _body("Text of section seven."),
        Line("References", 12.0, True),
        _body("[1] A. Author. A paper. 2020."),
    ]
    text, sections = assemble(lines_to_blocks(lines))
    paras = text.split("\n\n")
    assert f"Mice sleep in the day and {full} the rats sleep at night, we found." in paras
    assert "1Here we make a simplifying assumption about mice." in paras, "a footnote is a paragraph of its own"
    assert "0.55 0.25 70% 0.40 63%" in paras and "Table 1: Sleep of mice and rats." in paras
    assert "y = W x + b (1)" in paras
    assert "1.1 Recursive (de)composition" in paras, "a bold numbered heading is not glued into the paragraph"
    assert "2 Generation confidence and generation quality" in paras, "a heading split over two lines is joined"
    assert [s.heading for s in sections] == [
        "1 Introduction",
        "2 Generation confidence and generation quality",
        "References",
    ]
    assert not any(p.startswith("1. Map") and p in [s.heading for s in sections] for p in paras)


def _two_column_paper(path: Path) -> Path:
    """Title, authors, venue line, two columns, a mid-page footer with a page counter, footnotes."""
    from reportlab.pdfgen.canvas import Canvas

    pdf = Canvas(str(path), pagesize=(500, 400))
    for number, animal in enumerate(["mice", "rats", "voles"], 1):
        prose = wrap(ENGLISH.replace("mice", animal) * 2)  # each page its own text
        y = 360
        if number == 1:
            pdf.setFont("Times-Roman", 7)
            pdf.drawString(40, 20, "Proceedings of the 9th Made-up Conference, pages 1–3. c©2026 Made-up Society")
            pdf.setFont("Times-Bold", 16)
            pdf.drawString(40, y, "Sleep and Feeding in Aged Mice")
            pdf.setFont("Times-Roman", 11)
            pdf.drawString(40, y - 20, "Ada Lindqvist and Ben Okafor")
            y -= 50
        pdf.setFont("Times-Bold", 11)
        pdf.drawString(40, y, ["1 Introduction", "2 Methods", "3 Results"][number - 1])
        pdf.setFont("Times-Roman", 9)
        for i, line in enumerate(prose[:12]):
            pdf.drawString(40, y - 14 - 11 * i, line[:45])
        pdf.setFont("Times-Roman", 7)
        pdf.drawString(40, 8, f"Made-up Journal | https://doi.org/10.5555/x.1 December 6, 2026 {number} / 3")
        pdf.setFont("Times-Roman", 9)
        for i, line in enumerate(prose[:12]):
            pdf.drawString(270, y - 14 - 11 * i, line[45:90] or "more words here.")
        pdf.setFont("Times-Roman", 7)
        pdf.drawString(270, 40, f"{number}A footnote about Germ´an {animal}.")
        pdf.showPage()
    pdf.save()
    return path


def test_two_column_pdf_title_authors_venue_footer(tmp_path: Path):
    doc = read(_two_column_paper(tmp_path / "two.pdf"))
    assert doc.title == "Sleep and Feeding in Aged Mice"
    assert doc.metadata.authors == ("Ada Lindqvist", "Ben Okafor")
    assert doc.metadata.venue is not None and doc.metadata.venue.startswith("Proceedings of the 9th")
    assert "Proceedings" not in doc.text and "Made-up Journal" not in doc.text and "/ 3" not in doc.text
    assert doc.text.startswith("Sleep and Feeding in Aged Mice\n\nAda Lindqvist and Ben Okafor")
    assert "1A footnote about Germán mice." in doc.text.split("\n\n")
    assert [s.heading for s in doc.sections[1:]] == ["1 Introduction", "2 Methods", "3 Results"]
