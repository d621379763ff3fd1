"""The fast mode's tagger: a word -> coarse tag lexicon distilled from spaCy's tagger.

spaCy's statistical tagger is most of the cost of keyphrase extraction (about 10-15k tokens/s
on 2 cores, against 200k+ for its tokenizer alone). The fast mode tokenises with spaCy (each
whitespace-free chunk of text once, then from memory: :class:`ChunkTagger`) and looks each word up
in a lexicon: the coarse tag (``N``, ``A``, ``G``, ``D``, ``O``) that
``en_core_web_sm`` gives the word most often in a corpus of scientific text; unknown words
get the tag most frequent among rare words with the same ending, capitalised ones ``N``.
Sentences end after ``.``, ``!`` or ``?`` and at blank lines. No lemmas: de-duplication uses
the stems of the lower-cased words.

The shipped lexicon (``sciwire/models/keyphrase_lexicon``) was built by :func:`train_lexicon`
(``sciwire train lexicon --out FOLDER``) from data sets that allow shipping (see its MODEL_CARD.md).
"""

from __future__ import annotations

import csv
import gzip
import json
import logging
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sciwire.config import Config, load_config
from sciwire.errors import InputError, ModelLoadError
from sciwire.keyphrases._nlp import chunk_text, load_keyphrase_nlp
from sciwire.keyphrases.tagging import _JOINERS, TaggedText, spacy_tag

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Token

    from sciwire.fitting import ModelCard, TrainResult

logger = logging.getLogger(__name__)
LEXICON_FILE = "lexicon.json.gz"
_SENTENCE_END = frozenset(".!?")
#: The files of each data set the lexicon is built from (their licences allow shipping it).
CORPUS_FILES: dict[str, tuple[str, ...]] = {
    "coresc": ("coresc/sentences.tsv",),
    "arxiv_multilabel": ("arxiv_multilabel/arxiv_data.csv",),
    "csabstruct": ("csabstruct/train.jsonl", "csabstruct/dev.jsonl"),
    "pubmedqa": ("pubmedqa/pqal_dev.json",),
}


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
            "'sciwire train lexicon --out FOLDER'"
        ) from exc


def tag_with_lexicon(texts: Iterable[str], tokenizer: Language, lexicon: Lexicon) -> list[TaggedText]:
    """Tag each text with spaCy's tokenizer and the lexicon (the fast mode).

    The same words, tags and sentences as tagging spaCy's tokens one by one (:func:`_add_doc`),
    read from a :class:`ChunkTagger`'s memory of the text's whitespace-free chunks.
    """
    key = (id(tokenizer), id(lexicon))
    found = _TAGGERS.get(key)
    if found is None or found.tokenizer is not tokenizer or found.lexicon is not lexicon:
        found = _TAGGERS[key] = ChunkTagger(tokenizer, lexicon)
    return [found.tag(text) for text in texts]


def forget_chunks() -> None:
    """Empty the memory of every :class:`ChunkTagger` (timings on unseen text start from here)."""
    _TAGGERS.clear()


#: One word of a chunk: start and end within the chunk, lower-cased form, coarse tag, and whether
#: a sentence starts at it because the token before it (in the same chunk) ends one.
_Word = tuple[int, int, str, str, bool]
_CHUNK = re.compile(r"\S+")
_TAGGERS: dict[tuple[int, int], ChunkTagger] = {}


class ChunkTagger:
    """spaCy's tokenizer and the lexicon, remembered per whitespace-free chunk of text.

    spaCy's tokenizer cuts a text at whitespace and tokenises each chunk (``"networks."``,
    ``"(HARM)"``, ``"multi-agent"``) on its own, so a chunk always gives the same tokens. The
    words of a chunk (hyphenated compounds joined, tagged from the lexicon) are kept after the
    chunk is first seen, and a text is put together from its chunks; the chunks not seen yet
    are tokenised together in one call. What it returns is what tagging spaCy's tokens one by
    one gives (:func:`_add_doc`), several times faster on text like the text seen before.

    Args:
        tokenizer: A spaCy pipeline (only its tokenizer is used).
        lexicon: The word -> tag lexicon.
        max_chunks: Chunks remembered; the memory is emptied when it is full.
    """

    def __init__(self, tokenizer: Language, lexicon: Lexicon, max_chunks: int = 500_000) -> None:
        self.tokenizer = tokenizer
        self.lexicon = lexicon
        self.max_chunks = max_chunks
        self._chunks: dict[str, tuple[tuple[_Word, ...], bool]] = {}

    def tag(self, text: str) -> TaggedText:
        """The tagged words of one text."""
        out = TaggedText(text)
        sent = -1
        for offset, piece in chunk_text(text):
            found = [(m.start(), m.group()) for m in _CHUNK.finditer(piece)]
            self._learn([c for _, c in found])
            prev_end, prev_ends_sentence, first_in_piece = 0, False, True
            for start, chunk in found:
                words, ends_sentence = self._chunks[chunk]
                if words:
                    gap = piece[prev_end:start]
                    # the token before this chunk: the previous chunk's last one when one space
                    # separates them, else a whitespace token (a sentence break with 2+ newlines)
                    if first_in_piece or (prev_ends_sentence if gap == " " else gap.count("\n") > 1):
                        sent += 1
                    first_in_piece = False
                    base = offset + start
                    for k, (a, b, lower, tag, starts) in enumerate(words):
                        if starts and k:
                            sent += 1
                        out.append(base + a, base + b, lower, lower, tag, sent)
                prev_end, prev_ends_sentence = start + len(chunk), ends_sentence
        return out

    def _learn(self, chunks: list[str]) -> None:
        """Tokenise and tag the chunks not seen yet, all in one tokenizer call."""
        new = list(dict.fromkeys(c for c in chunks if c not in self._chunks))
        if not new:
            return
        if len(self._chunks) + len(new) > self.max_chunks:  # start afresh with this text's chunks
            self._chunks.clear()
            new = list(dict.fromkeys(chunks))
        doc = self.tokenizer.make_doc(" ".join(new))
        tokens = list(doc)
        k = 0
        for chunk in new:
            mine = []
            while k < len(tokens) and not tokens[k].whitespace_:
                mine.append(tokens[k])
                k += 1
            if k < len(tokens):  # the token that carries the separating space ends this chunk
                mine.append(tokens[k])
                k += 1
            self._chunks[chunk] = self._words(mine)

    def _words(self, tokens: list[Token]) -> tuple[tuple[_Word, ...], bool]:
        """The words of one chunk's tokens (:func:`_add_doc`'s joining and tagging), and whether its
        last token ends a sentence."""
        if not tokens:
            return (), False
        base = tokens[0].idx
        words: list[_Word] = []
        i = 0
        while i < len(tokens):
            j = i
            while (
                j + 2 < len(tokens)
                and tokens[j + 1].text in _JOINERS
                and tokens[j].text[-1:].isalnum()
                and tokens[j + 2].text[:1].isalnum()
            ):
                j += 2
            first, last = tokens[i], tokens[j]
            tag = self.lexicon.tag(last.lower_, last.text)
            if j == i:
                lower = first.lower_
            else:
                lower = "".join(t.lower_ for t in tokens[i : j + 1])
                tag = "N" if tag == "N" else "A"
            starts = i > 0 and tokens[i - 1].text in _SENTENCE_END
            words.append((first.idx - base, last.idx + len(last.text) - base, lower, tag, starts))
            i = j + 1
        return tuple(words), tokens[-1].text in _SENTENCE_END


def build_lexicon(
    texts: Iterable[str], nlp: Language, min_count: int = 2, on_progress: Callable[[int], None] | None = None
) -> dict:
    """Count spaCy's coarse tags per word over ``texts`` and keep the most frequent one.

    Args:
        texts: The corpus.
        nlp: A spaCy pipeline with a tagger.
        min_count: Keep words seen at least this often.
        on_progress: Called with 1 per tagged piece of text (about 1,000 characters).

    Returns:
        The JSON-compatible lexicon: ``{"words": {tag: [words]}, "suffixes": {suffix: tag}, ...}``.
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    n_tokens = 0
    for doc in nlp.pipe((piece for t in texts for _, piece in chunk_text(t)), batch_size=64):
        if on_progress is not None:
            on_progress(1)
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


def shippable_corpus(data_dir: str | os.PathLike[str]) -> dict[str, list[str]]:
    """Texts of the data sets whose licences allow shipping a model (:data:`CORPUS_FILES`).

    Raises:
        InputError: When a file is missing or not in the shape its data set has.
    """
    from sciwire.datasets.base import data_path

    corpus: dict[str, list[str]] = {}
    path = data_path(data_dir, "coresc", "sentences.tsv")
    try:
        with path.open(encoding="utf-8") as fh:
            by_paper: dict[str, list[str]] = defaultdict(list)
            for row in csv.DictReader(fh, delimiter="\t"):
                by_paper[row["paper_id"]].append(row["text"])
        corpus["coresc"] = [" ".join(s) for _, s in sorted(by_paper.items())]
        path = data_path(data_dir, "arxiv_multilabel", "arxiv_data.csv")
        with path.open(encoding="utf-8") as fh:
            corpus["arxiv_multilabel"] = [f"{r['titles']}\n{r['summaries']}" for r in csv.DictReader(fh)]
        corpus["csabstruct"] = []
        for split in ("train", "dev"):
            path = data_path(data_dir, "csabstruct", f"{split}.jsonl")
            with path.open(encoding="utf-8") as fh:
                corpus["csabstruct"] += [" ".join(json.loads(line)["sentences"]) for line in fh if line.strip()]
        path = data_path(data_dir, "pubmedqa", "pqal_dev.json")
        with path.open(encoding="utf-8") as fh:
            corpus["pubmedqa"] = [" ".join(v["CONTEXTS"]) for _, v in sorted(json.load(fh).items())]
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise InputError(
            f"{path} is not in the shape of its data set ({type(exc).__name__}: {exc}); "
            "point --data (or paths.data_dir) at the research data folder"
        ) from exc
    return corpus


def train_lexicon(
    out: str | os.PathLike[str],
    config: Config | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    min_count: int = 2,
    command: str = "sciwire train lexicon",
    on_progress: Callable[[int], None] | None = None,
) -> TrainResult:
    """Rebuild the fast mode's lexicon and write it as a model folder (lexicon, receipt, card).

    The corpus (:func:`shippable_corpus`) is tagged with ``models.spacy``; nothing is written
    before it has been read and tagged.

    Args:
        out: The model folder (use it by replacing ``sciwire/models/keyphrase_lexicon``).
        config: Settings (``models.spacy``, ``paths.data_dir``; default: :func:`~sciwire.config.load_config`).
        data_dir: The research data folder (default: ``paths.data_dir``).
        min_count: Keep words seen at least this often.
        command: The command recorded in the receipt.
        on_progress: Called with 1 per tagged piece of text.

    Returns:
        The folder and the counts (documents per data set, tokens, words, endings).

    Raises:
        InputError: When a data file is missing or malformed, or ``min_count`` is below 1.
        ModelLoadError: When the spaCy pipeline cannot be loaded.
    """
    from sciwire.fitting import Receipt, TrainResult, data_hash

    if min_count < 1:
        raise InputError(f"min_count must be at least 1, got {min_count}")
    config = config or load_config()
    data = Path(data_dir if data_dir is not None else config.paths.data_dir)
    corpus = shippable_corpus(data)
    texts = [t for name in sorted(corpus) for t in corpus[name]]
    lexicon = build_lexicon(texts, load_keyphrase_nlp(config.models.spacy), min_count, on_progress)
    metrics: dict[str, Any] = {
        "documents": {k: len(v) for k, v in corpus.items()},
        "tokens": lexicon["n_tokens"],
        "words": sum(len(w) for w in lexicon["words"].values()),
        "suffixes": len(lexicon["suffixes"]),
    }
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(folder / LEXICON_FILE, "wb", mtime=0) as fh:
        fh.write(json.dumps(lexicon, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    Receipt(
        command=command,
        config={"spacy_model": config.models.spacy, "min_count": min_count},
        data={name: data_hash(data / f for f in files) for name, files in CORPUS_FILES.items()},
        metrics=metrics,
    ).write(folder)
    _card(metrics, config.models.spacy, command).write(folder)
    load_lexicon.cache_clear()
    logger.info("Wrote %s", folder / LEXICON_FILE)
    return TrainResult(folder, metrics)


def _card(metrics: dict[str, Any], spacy_model: str, command: str) -> ModelCard:
    from sciwire.fitting import ModelCard

    docs = metrics["documents"]
    return ModelCard(
        name="keyphrase lexicon (fast mode tagger)",
        summary=(
            'A word -> coarse part-of-speech table used by `keyphrases.method = "fast"` '
            "(`sciwire.keyphrases.lexicon`): for each lower-cased word seen often enough, the coarse tag "
            f"(`N` noun, `A` adjective, `G` participle, `D` number, `O` other) that spaCy's `{spacy_model}` "
            "tagger gives it most often; plus a table of word endings (1-4 letters) to the tag most frequent "
            "among rare words with that ending (at least 5 words, 60 % agreement), used for unknown words. "
            f"{metrics['words']:,} words and {metrics['suffixes']:,} endings, gzipped JSON (no pickle)."
        ),
        data=(
            f"Tagged automatically (no human labels) from {metrics['tokens']:,} tokens of text of data sets whose "
            f"licences allow shipping a model: CoreSC ({docs.get('coresc', 0)} CC-BY articles, full text), arXiv "
            f"titles and abstracts ({docs.get('arxiv_multilabel', 0)}, arXiv metadata reuse), CSAbstruct train + "
            f"dev ({docs.get('csabstruct', 0)} abstracts, Apache-2.0) and PubMedQA PQA-L contexts "
            f"({docs.get('pubmedqa', 0)}, MIT). The tags come from spaCy's tagger. No keyphrase data set (Inspec, "
            "SemEval) was used."
        ),
        licence="Apache-2.0 (sciwire's licence; every source allows it)",
        metrics_markdown=(
            "Not evaluated as a tagger. Its use is measured end to end: `sciwire fast` against spaCy-tagged "
            'candidates in `docs/benchmarks.md` (section "Keyphrase extraction") and docs/keyphrases.md.'
        ),
        command=command,
        limits=(
            'One tag per word regardless of context: "model", "results", "uses" are nouns or verbs by context, '
            'and the table picks one; participles ("distributed", "learning") are always `G`. No lemmas: the fast '
            "mode de-duplicates by stems of the words as written. English scientific prose only; words of other "
            "registers fall back to the ending table."
        ),
    )
