from __future__ import annotations

from pathlib import Path

import pytest

from sciwire.config import InputConfig
from sciwire.errors import InputError
from sciwire.readers import read, read_text
from sciwire.readers.text import clean_inline
from tests.readers.conftest import ENGLISH

MARKDOWN = f"""# Feeding *Time* and Sleep in Aged Mice

Authors: Ada Author, Ben Author and Cy Author
Journal: Journal of Made-up Chronobiology
Date: 2026-03-14
DOI: https://doi.org/10.5555/made.up.1
URL: https://example.org/papers/1

## Abstract

{ENGLISH}

## 1. Introduction

The **circadian clock** controls the daily timing of sleep
and feeding, as reviewed [elsewhere](https://example.org/review_(2020)) and in `clock-db` [1].
Meal timing is a _strong_ cue for peripheral clocks.

## 2. Methods

### 2.1 Animals

We used 24 mice.

- twelve on the restricted schedule
- twelve fed ad libitum

## References

[1] Smith J. Sleep across the lifespan. J Fake Sleep Res. 2019;12:1-10.
[2] Lee K. Meal timing. Fake Lett. 2020;4:55-61.
"""


def test_markdown_paper(tmp_path: Path):
    path = tmp_path / "Feeding_Paper.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    doc = read(path)
    assert doc.id == "feeding-paper" and doc.kind == "paper"
    assert doc.title == "Feeding Time and Sleep in Aged Mice"
    assert doc.metadata.authors == ("Ada Author", "Ben Author", "Cy Author")
    assert doc.metadata.venue == "Journal of Made-up Chronobiology"
    assert doc.metadata.date == "2026-03-14"
    assert doc.metadata.doi == "10.5555/made.up.1"
    assert doc.metadata.url == "https://example.org/papers/1"
    assert doc.metadata.source == str(path)
    assert "Authors:" not in doc.text and "DOI" not in doc.text
    for junk in ("#", "**", "`", "](", "_strong_"):
        assert junk not in doc.text, junk
    assert (
        "The circadian clock controls the daily timing of sleep and feeding, as reviewed elsewhere and in clock-db [1]."
        in doc.text
    ), "single newlines inside a paragraph become spaces; links keep their text"
    assert "twelve on the restricted schedule\ntwelve fed ad libitum" in doc.text, "list items keep their lines"
    assert [(s.name, s.heading) for s in doc.sections] == [
        ("title", ""),
        ("abstract", "Abstract"),
        ("introduction", "1. Introduction"),
        ("methods", "2. Methods"),
        ("references", "References"),
    ]
    for section in doc.sections[1:]:
        assert doc.text[section.start :].startswith(section.heading + "\n\n")
    refs = doc.span_text(doc.sections[-1]).split("\n\n", 1)[1]
    assert refs.split("\n") == [
        "[1] Smith J. Sleep across the lifespan. J Fake Sleep Res. 2019;12:1-10.",
        "[2] Lee K. Meal timing. Fake Lett. 2020;4:55-61.",
    ]


def test_plain_text_with_unmarked_headings():
    text = f"Feeding and Sleep\n\nIntroduction\n{ENGLISH}\n\nMethods\nWe used 24 mice.\nThey were old.\n"
    doc = read_text(text, id="plain")
    assert doc.title == "Feeding and Sleep"
    assert [s.name for s in doc.sections] == ["title", "introduction", "methods"]
    assert "Methods\n\nWe used 24 mice. They were old." in doc.text


def test_read_text_with_given_title_and_front_matter():
    text = f"---\ntitle: Sleep in Mice\ndoi: 10.1/abc\n---\n\n{ENGLISH}"
    doc = read_text(text)
    assert doc.title == "Sleep in Mice" and doc.metadata.doi == "10.1/abc"
    assert doc.text == ENGLISH
    assert read_text(ENGLISH, title="Given", kind="news").title == "Given"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("**bold** and __strong__ and *em* and _it_", "bold and strong and em and it"),
        ("snake_case_name and 2*3*4 stay", "snake_case_name and 2*3*4 stay"),
        ("![a figure](fig.png) Mice slept.", "Mice slept."),
        ("See [the paper][ref1] and <https://x.org>.", "See the paper and https://x.org."),
        (r"An \*escaped\* star", "An *escaped* star"),
        ("H<sub>2</sub>O and x<sup>2</sup>, p < 0.05", "H2O and x2, p < 0.05"),
        ("Cited[^1] here", "Cited here"),
    ],
)
def test_clean_inline(line: str, expected: str):
    assert clean_inline(line) == expected


def test_read_text_checks_length_and_language():
    with pytest.raises(InputError, match=r"text has only 2 words of text; expected at least 5"):
        read_text("Too short.")
    with pytest.raises(InputError, match="contains no text"):
        read_text("#  \n\n \t \n")
    assert read_text("Too short.", config=InputConfig(min_words=1)).text == "Too short."


def test_bundled_example_paper():
    from sciwire.examples import paper_path

    doc = read(paper_path())
    assert doc.title.startswith("Time-Restricted Feeding Consolidates Sleep")
    assert [s.name for s in doc.sections] == [
        "title",
        "abstract",
        "introduction",
        "methods",
        "results",
        "discussion",
        "conclusion",
        "references",
    ]
    assert doc.metadata.doi == "10.5555/sciwire.example.2026.001" and len(doc.metadata.authors) == 6
