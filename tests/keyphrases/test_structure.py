"""Reading a paper's structure back from its plain text."""

from __future__ import annotations

from sciwire.keyphrases.structure import PAPER_MIN_WORDS, choose_mode, read_structure
from tests.keyphrases.conftest import PAPER


def test_title_sections_and_references_are_found():
    s = read_structure(PAPER)
    assert s.title == "Adaptive Resource Management for Distributed Embedded Systems"
    names = [sec.name for sec in s.sections]
    assert names == ["abstract", "metadata", "introduction", "the hybrid controller", "control loop design",
                     "conclusions", "references"]  # fmt: skip
    assert s.body_end == PAPER.index("4. REFERENCES")
    abstract = s.zone("abstract")
    assert abstract is not None and "Adaptive resource management" in PAPER[abstract[0] : abstract[1]]


def test_subsections_belong_to_their_top_level_section():
    s = read_structure(PAPER)
    tops = s.top_sections()
    assert len(tops) == 4  # abstract, introduction, controller (with 2.1), conclusions
    loop = PAPER.index("The loop is fast")
    controller = PAPER.index("A controller adapts")
    assert s.section_index([loop]) == s.section_index([controller])


def test_a_sentence_that_starts_with_a_number_is_not_a_heading():
    s = read_structure("Title\n2. We then ran the experiment twice.\n3 Results Of The Study\nText.")
    assert [sec.name for sec in s.sections] == ["results of the study"]


def test_mode_is_chosen_from_length_and_headings():
    assert choose_mode(PAPER) == "paper"
    long_without_headings = "Graphs are useful for many things. " * PAPER_MIN_WORDS
    assert choose_mode(long_without_headings) == "abstract"
    assert choose_mode("Graph neural networks predict molecular properties.") == "abstract"
