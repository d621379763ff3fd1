"""Bundled example content: a made-up paper and two made-up news stories about it.

The paper (``paper.md``) describes a fictional study of time-restricted feeding and
sleep. ``story_faithful.html`` reports it faithfully; ``story_overstated.html``
overstates it and contains hostile markup. ``expected_alignment.json`` holds the
ground-truth story-to-paper sentence pairs used by the tests.
"""

from pathlib import Path

EXAMPLES_DIR: Path = Path(__file__).parent

__all__ = ["EXAMPLES_DIR", "paper_path", "story_paths"]


def paper_path() -> Path:
    """Return the path of the example paper (Markdown)."""
    return EXAMPLES_DIR / "paper.md"


def story_paths() -> list[Path]:
    """Return the paths of the example news stories, the faithful one first."""
    return [
        EXAMPLES_DIR / "story_faithful.html",
        EXAMPLES_DIR / "story_overstated.html",
    ]
