"""The paper finder: metadata rules (fast) and the bundled example among decoys (real models)."""

from __future__ import annotations

import pytest

from sciwire.config import load_config
from sciwire.document import Document, Metadata
from sciwire.errors import InputError
from sciwire.examples import paper_path, story_paths
from sciwire.linking.finder import PaperFinder, lead_text, metadata_evidence, normalize_doi
from sciwire.linking.papers import load_papers
from sciwire.readers import read

PAPER = Document(
    "p",
    "paper",
    "Time-Restricted Feeding Consolidates Sleep in Aged Mice",
    "Time-Restricted Feeding Consolidates Sleep in Aged Mice\n\nWe fed old mice at night.",
    metadata=Metadata(
        doi="10.5555/x.1",
        authors=("Helena M. Ostrander", "Tomasz Wielgosz"),
        venue="Journal of Sleep",
        date="2026-03-14",
    ),
)


def story(text: str, **meta: str) -> Document:
    return Document("s", "news", "", text, metadata=Metadata(**meta))


def test_normalize_doi():
    assert normalize_doi("https://doi.org/10.5555/X.1.") == "10.5555/x.1"
    assert normalize_doi("doi: 10.5555/x.1") == "10.5555/x.1"


def test_metadata_evidence_and_reasons():
    ev, reasons = metadata_evidence(
        story(
            "Time-restricted feeding consolidates sleep in aged mice, Dr Ostrander reports in the Journal of Sleep "
            "(https://doi.org/10.5555/X.1).",
            date="2026-03-16",
        ),
        PAPER,
    )
    assert ev == {"doi": 1.0, "title": 1.0, "author": 0.5, "venue": 1.0, "date": 1.0}
    assert any("10.5555/x.1" in r for r in reasons) and any("Ostrander" in r for r in reasons)
    nothing, none = metadata_evidence(story("Rats ate grain.", date="2020-01-01"), PAPER)
    assert set(nothing.values()) == {0.0} and none == []


def test_lead_text_uses_title_and_abstract():
    assert lead_text(PAPER).startswith("Time-Restricted Feeding")


@pytest.fixture(scope="module")
def finder(embedder, cache_dir, tmp_path_factory):
    from tests.linking.conftest import DECOYS

    path = tmp_path_factory.mktemp("decoys") / "decoys.jsonl"
    path.write_text("\n".join(__import__("json").dumps(d) for d in DECOYS), encoding="utf-8")
    papers = [read(paper_path(), kind="paper"), *load_papers(path)]
    cfg = load_config(overrides=[f"paths.cache_dir={cache_dir}"], environ={})
    return PaperFinder(cfg, embedder).index(papers)


@pytest.mark.slow
@pytest.mark.parametrize("story_file", story_paths(), ids=lambda p: p.stem)
def test_finder_picks_the_example_paper_among_decoys(finder, story_file):
    matches = finder.rank(read(story_file, kind="news"), top_k=4)
    assert [m.rank for m in matches] == [1, 2, 3, 4]
    assert matches[0].paper_id == "paper"
    assert matches[0].probability > 0.5 > matches[1].probability
    assert matches[0].reasons[-1].startswith("content: BM25 share")


@pytest.mark.slow
def test_a_doi_in_the_story_wins(finder):
    text = "Late coffee keeps teenagers awake, a trial finds (doi:10.5555/decoy.caffeine.2025). Sleep came later."
    top = finder.rank(story(text), top_k=1)[0]
    assert top.paper_id == "decoy-caffeine"
    assert "the paper's DOI 10.5555/decoy.caffeine.2025 appears in the story" in top.reasons


def test_clear_errors(embedder):
    with pytest.raises(InputError, match="The paper collection given is empty"):
        PaperFinder(embedder=embedder).index([])
    with pytest.raises(InputError, match="has no papers; call index"):
        PaperFinder(embedder=embedder).rank(story("text"))


@pytest.mark.slow
def test_story_without_text(finder):
    with pytest.raises(InputError, match="Story 's' has no text to link"):
        finder.rank(story("  \n "))
