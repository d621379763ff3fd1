"""The fast mode's tagger: a word -> coarse tag lexicon distilled from spaCy's tagger.

spaCy's statistical tagger is most of the cost of keyphrase extraction (about 10-15k tokens/s
on 2 cores, against 200k+ for its tokenizer alone). The fast mode tokenises with spaCy and
looks each word up in a lexicon: the coarse tag (``N``, ``A``, ``G``, ``D``, ``O``) that
``en_core_web_sm`` gives the word most often in a corpus of scientific text; unknown words
get the tag most frequent among rare words with the same ending, capitalised ones ``N``.
Sentences end after ``.``, ``!`` or ``?`` and at blank lines. No lemmas: de-duplication uses
the stems of the lower-cased words.

The shipped lexicon (``sciwire/models/keyphrase_lexicon``) was built by
``python -m sciwire.keyphrases.lexicon OUT_DIR`` from data sets that allow shipping (see its
MODEL_CARD.md).
"""

from __future__ import annotations

import gzip
import json
import logging
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sciwire.errors import ModelLoadError
from sciwire.keyphrases._nlp import chunk_text
from sciwire.keyphrases.tagging import TaggedText, _add_doc, spacy_tag

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Token

logger = logging.getLogger(__name__)
LEXICON_FILE = "lexicon.json.gz"
_SENTENCE_END = frozenset(".!?")


@dataclass(frozen=True)
class Lexicon:
    """Word and suffix tables (see the module docstring)."""

    words: dict[str, str]
    suffixes: dict[str, str]
    max_suffix: int = 4

    def tag(self, lower: str, text: str) -> str:
        """The coarse tag of a word (``lower`` its lower-cased form, ``text`` as written)."""
        known = self.words.get(lower)
        if known is not None:
            return known
        if not any(ch.isalpha() for ch in lower):
            return "D" if any(ch.isdigit() for ch in lower) else "O"
        if any(ch.isupper() for ch in text):
            return "N"
        for size in range(min(self.max_suffix, len(lower) - 2), 0, -1):
            guess = self.suffixes.get(lower[-size:])
            if guess is not None:
                return guess
        return "N"


def lexicon_dir() -> Path:
    """The folder of the shipped lexicon."""
    return Path(str(resources.files("sciwire") / "models" / "keyphrase_lexicon"))


@lru_cache(maxsize=2)
def load_lexicon(path: str | None = None) -> Lexicon:
    """Load a lexicon file (default: the shipped one).

    Raises:
        ModelLoadError: The file is missing or malformed.
    """
    file = Path(path) if path else lexicon_dir() / LEXICON_FILE
    try:
        with gzip.open(file, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        words = {w: tag for tag, ws in data["words"].items() for w in ws}
        return Lexicon(words, dict(data["suffixes"]), int(data.get("max_suffix", 4)))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelLoadError(
            f"Cannot load the keyphrase lexicon {file}: {exc}. Reinstall sciwire, or rebuild it with "
            "'python -m sciwire.keyphrases.lexicon OUT_DIR'"
        ) from exc


def tag_with_lexicon(texts: Iterable[str], tokenizer: Language, lexicon: Lexicon) -> list[TaggedText]:
    """Tag each text with spaCy's tokenizer and the lexicon (the fast mode)."""

    def tag(token: Token) -> tuple[str, str]:
        return token.lower_, lexicon.tag(token.lower_, token.text)

    out = []
    for text in texts:
        tagged = TaggedText(text)
        sent = 0
        for offset, piece in chunk_text(text):
            doc = tokenizer.make_doc(piece)
            starts = [False] * len(doc)
            for t in doc[1:]:
                prev = doc[t.i - 1]
                starts[t.i] = prev.text in _SENTENCE_END or (prev.is_space and prev.text.count("\n") > 1)
            sent = _add_doc(tagged, doc, offset, sent, tag, starts)
        out.append(tagged)
    return out


def build_lexicon(texts: Iterable[str], nlp: Language, min_count: int = 2) -> dict:
    """Count spaCy's coarse tags per word over ``texts`` and keep the most frequent one.

    Returns:
        The JSON-compatible lexicon: ``{"words": {tag: [words]}, "suffixes": {suffix: tag}, ...}``.
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    n_tokens = 0
    for doc in nlp.pipe((piece for t in texts for _, piece in chunk_text(t)), batch_size=64):
        for token in doc:
            if token.is_space:
                continue
            counts[token.lower_][spacy_tag(token)[1]] += 1
            n_tokens += 1
    words: dict[str, list[str]] = defaultdict(list)
    suffix_counts: dict[str, Counter[str]] = defaultdict(Counter)
    for word, tags in sorted(counts.items()):
        best = max(sorted(tags), key=lambda t: tags[t])
        total = sum(tags.values())
        if total >= min_count:
            words[best].append(word)
        if total <= 2 and word.isalpha():  # rare words stand in for unknown ones
            for size in range(1, 5):
                if len(word) >= size + 3:
                    suffix_counts[word[-size:]][best] += 1
    suffixes = {}
    for suffix, tags in sorted(suffix_counts.items()):
        best = max(sorted(tags), key=lambda t: tags[t])
        if sum(tags.values()) >= 5 and tags[best] / sum(tags.values()) >= 0.6:
            suffixes[suffix] = best
    return {"version": 1, "n_tokens": n_tokens, "min_count": min_count, "max_suffix": 4,
            "words": {t: sorted(ws) for t, ws in sorted(words.items())}, "suffixes": suffixes}  # fmt: skip


def shippable_corpus(data_dir: str | Path) -> dict[str, list[str]]:
    """Texts of the data sets whose licences allow shipping a model (see the data README)."""
    import csv

    from sciwire.datasets.base import data_path

    corpus: dict[str, list[str]] = {}
    with data_path(data_dir, "coresc", "sentences.tsv").open(encoding="utf-8") as fh:
        by_paper: dict[str, list[str]] = defaultdict(list)
        for row in csv.DictReader(fh, delimiter="\t"):
            by_paper[row["paper_id"]].append(row["text"])
        corpus["coresc"] = [" ".join(s) for _, s in sorted(by_paper.items())]
    with data_path(data_dir, "arxiv_multilabel", "arxiv_data.csv").open(encoding="utf-8") as fh:
        corpus["arxiv_multilabel"] = [f"{r['titles']}\n{r['summaries']}" for r in csv.DictReader(fh)]
    corpus["csabstruct"] = []
    for split in ("train", "dev"):
        with data_path(data_dir, "csabstruct", f"{split}.jsonl").open(encoding="utf-8") as fh:
            corpus["csabstruct"] += [" ".join(json.loads(line)["sentences"]) for line in fh if line.strip()]
    with data_path(data_dir, "pubmedqa", "pqal_dev.json").open(encoding="utf-8") as fh:
        corpus["pubmedqa"] = [" ".join(v["CONTEXTS"]) for _, v in sorted(json.load(fh).items())]
    return corpus


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m sciwire.keyphrases.lexicon OUT_DIR [--data DIR]``: rebuild the lexicon with a receipt."""
    import argparse
    import os

    from sciwire.config import DEFAULT_SPACY_MODEL
    from sciwire.keyphrases._nlp import load_keyphrase_nlp
    from sciwire.learn import Receipt, data_hash

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--data", default=os.environ.get("SCIWIRE_DATA", "../shared/data"))
    args = parser.parse_args(argv)
    corpus = shippable_corpus(args.data)
    texts = [t for name in sorted(corpus) for t in corpus[name]]
    lexicon = build_lexicon(texts, load_keyphrase_nlp(DEFAULT_SPACY_MODEL))
    args.out.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(args.out / LEXICON_FILE, "wb", mtime=0) as fh:
        fh.write(json.dumps(lexicon, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    files = {
        "coresc": ["coresc/sentences.tsv"],
        "arxiv_multilabel": ["arxiv_multilabel/arxiv_data.csv"],
        "csabstruct": ["csabstruct/train.jsonl", "csabstruct/dev.jsonl"],
        "pubmedqa": ["pubmedqa/pqal_dev.json"],
    }
    Receipt(
        command="python -m sciwire.keyphrases.lexicon " + " ".join(sys.argv[1:] if argv is None else argv),
        config={"spacy_model": DEFAULT_SPACY_MODEL, "min_count": lexicon["min_count"]},
        data={name: data_hash(Path(args.data) / f for f in fs) for name, fs in files.items()},
        metrics={"documents": {k: len(v) for k, v in corpus.items()}, "tokens": lexicon["n_tokens"],
                 "words": sum(len(w) for w in lexicon["words"].values()), "suffixes": len(lexicon["suffixes"])},
    ).write(args.out)  # fmt: skip
    logger.info("Wrote %s", args.out / LEXICON_FILE)


if __name__ == "__main__":  # pragma: no cover
    main()
