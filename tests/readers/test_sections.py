from __future__ import annotations

import itertools

import pytest

from sciwire.document import Document, Section
from sciwire.readers.sections import Block, assemble, canonical_section_name, detect_sections, parse_heading


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Abstract", "abstract"),
        ("ABSTRACT", "abstract"),
        ("1. Introduction", "introduction"),
        ("## 1 Background", "introduction"),
        ("2. Materials and Methods", "methods"),
        ("Materials & methods", "methods"),
        ("Patients and methods", "methods"),
        ("Methodology", "methods"),
        ("Experimental Procedures", "methods"),
        ("Study design", "methods"),
        ("Participants", "methods"),
        ("III. Results", "results"),
        ("Findings:", "results"),
        ("Results and Discussion", "results"),
        ("4 Discussion", "discussion"),
        ("Conclusions", "conclusion"),
        ("Concluding remarks", "conclusion"),
        ("Summary", "conclusion"),
        ("References", "references"),
        ("Bibliography", "references"),
        ("Literature Cited", "references"),
        ("2.1 Animals", None),
        ("Acknowledgements", None),
        ("Results of the survey", None),
    ],
)
def test_canonical_section_name(heading: str, expected: str | None):
    assert canonical_section_name(heading) == expected


@pytest.mark.parametrize(
    ("line", "level", "name"),
    [
        ("2.1 Animals and housing", 2, None),
        ("3. Results", 1, "results"),
        ("II. Methods", 1, "methods"),
        ("1.2. What is this spec?", 2, None),
        ("### Feeding protocol", 3, None),
        ("Discussion", None, "discussion"),
    ],
)
def test_parse_heading_accepts(line: str, level: int | None, name: str | None):
    heading = parse_heading(line)
    assert heading is not None and (heading.level, heading.name) == (level, name)


@pytest.mark.parametrize(
    "line",
    [
        "The results were clear.",
        "12 mice were excluded.",
        "1. we fed mice at night",
        "results",
        "A perfectly ordinary line of running text without a final stop but with many words",
    ],
)
def test_parse_heading_rejects(line: str):
    assert parse_heading(line) is None


def _check_contiguous(text: str, sections: tuple[Section, ...]) -> None:
    assert sections[0].start == 0 and sections[-1].end == len(text)
    for a, b in itertools.pairwise(sections):
        assert a.end == b.start
    Document(id="t", kind="paper", title="", text=text, sections=sections)  # validates offsets


NUMBERED = """Feeding Time and Sleep

1 Department of Physiology, Northfield Institute

Abstract

Mice slept better.

1. Introduction

Sleep changes with age.

2. Methods

2.1 Animals

We fed mice.

2.2 Statistics

We used tests.

3. Results

They slept.

4. Limitations

Few mice.

References

1 Smith J, Sleep in mice
2 Lee K, Food and clocks"""


def test_detect_sections_numbered_with_subsections_and_front_matter():
    sections = detect_sections(NUMBERED)
    names = [(s.name, s.heading) for s in sections]
    assert names == [
        ("title", ""),
        ("abstract", "Abstract"),
        ("introduction", "1. Introduction"),
        ("methods", "2. Methods"),
        ("results", "3. Results"),
        ("other", "4. Limitations"),
        ("references", "References"),
    ]
    _check_contiguous(NUMBERED, sections)
    methods = NUMBERED[sections[3].start : sections[3].end]
    assert "2.1 Animals" in methods and "2.2 Statistics" in methods
    assert NUMBERED[sections[-1].start :].count("\n") == 3, "numbered references do not start sections"


def test_detect_sections_markdown_levels():
    text = "# A Title\n\n## Abstract\n\nText.\n\n## Methods\n\n### Results of the pilot\n\nMore.\n\n## Notes\n\nEnd."
    assert [(s.name, s.heading) for s in detect_sections(text)] == [
        ("title", ""),
        ("abstract", "## Abstract"),
        ("methods", "## Methods"),
        ("other", "## Notes"),
    ]


def test_detect_sections_without_headings_is_one_body_section():
    text = "Mice sleep.\n\nThey dream of cheese."
    assert [(s.name, s.start, s.end) for s in detect_sections(text)] == [("body", 0, len(text))]
    assert detect_sections("") == ()


def test_long_text_before_the_first_heading_is_body():
    text = ("word " * 100).strip() + "\n\nDiscussion\n\nIt worked."
    assert [s.name for s in detect_sections(text)] == ["body", "discussion"]


def test_assemble_puts_headings_in_their_own_paragraphs():
    blocks = [
        Block("A Title"),
        Block("Methods", heading=True, level=1),
        Block("We fed mice."),
        Block("Loose text", starts="body"),
    ]
    text, sections = assemble(blocks)
    assert text == "A Title\n\nMethods\n\nWe fed mice.\n\nLoose text"
    assert [(s.name, text[s.start : s.end]) for s in sections] == [
        ("title", "A Title\n\n"),
        ("methods", "Methods\n\nWe fed mice.\n\n"),
        ("body", "Loose text"),
    ]
    _check_contiguous(text, sections)
