from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sciwire.errors import InputError
from sciwire.readers import read
from sciwire.readers.base import RawFile
from sciwire.readers.pdf import join_hyphenated, lines_to_blocks, read_pdf, strip_running_lines
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
