"""Keyphrases of files: the library function behind ``sciwire keywords``."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sciwire.config import Config, load_config
from sciwire.document import Document
from sciwire.keyphrases.model import Keyphrase, KeyphraseExtractor
from sciwire.keyphrases.step import paper_text_without_references


@dataclass(frozen=True)
class FileKeyphrases:
    """The keyphrases of one input file."""

    path: str
    document: Document
    keyphrases: list[Keyphrase]

    def to_dict(self) -> dict:
        return {
            "file": self.path,
            "id": self.document.id,
            "kind": self.document.kind,
            "keyphrases": [
                {"phrase": k.text, "score": k.score, "count": k.count, "acronym": k.acronym} for k in self.keyphrases
            ],
        }


def keywords_for_files(
    paths: Sequence[str | os.PathLike[str]],
    config: Config | None = None,
    on_progress: Callable[[int], None] | None = None,
    jobs: int = 1,
) -> list[FileKeyphrases]:
    """Read each file (any format sciwire reads) and extract its keyphrases (``[keyphrases]`` settings;
    default config: :func:`~sciwire.config.load_config`); ``jobs`` > 1 ranks them in that many
    processes (methods without the encoder; see :meth:`KeyphraseExtractor.extract_many`).

    A paper's reference list is left out. Each file is ranked on its own, so the result for a
    file does not depend on the others given with it.

    Raises:
        InputError: A file cannot be read, or its text is unusable (see :meth:`KeyphraseExtractor.extract`).
        ConfigError: ``jobs`` > 1 with a method that uses the encoder.
    """
    from sciwire.readers import read

    config = config or load_config()
    docs = [read(p, config=config.input) for p in paths]
    extractor = KeyphraseExtractor.from_config(config)
    texts = [paper_text_without_references(d) if d.kind == "paper" else d.text for d in docs]
    results = extractor.extract_many(texts, on_progress=on_progress, jobs=jobs)
    return [FileKeyphrases(str(p), d, r) for p, d, r in zip(paths, docs, results, strict=True)]
