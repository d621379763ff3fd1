"""A BERT sentence encoder in plain PyTorch, read from a sentence-transformers folder.

Importing ``sentence_transformers`` (and with it ``transformers``' model code) made a cold
``sciwire analyze`` 3-4 s slower on two cores (docs/benchmarks.md), more than loading all its
models takes. A mean-pooled BERT such as the bundled all-MiniLM-L6-v2 needs none of it: its
weights are one safetensors file, its word pieces one ``tokenizers`` file. :func:`load` builds
the same network from those two files, with the module and parameter names of ``transformers``'
``BertModel`` (so LoRA heads fitted on its layers and the base fingerprint stored with them
still fit), behind the small part of the ``SentenceTransformer`` interface sciwire uses:
``encode``, ``tokenizer``, ``max_seq_length``, ``model[0].auto_model``,
``preprocess``/``tokenize`` and ``forward``.

:func:`can_load` says when a folder qualifies (Transformer + mean pooling [+ Normalize], a BERT
with absolute positions and GELU, ``tokenizer.json`` and ``model.safetensors``); everything else,
hub ids and training included, goes through sentence-transformers as before.
``tests/backends/test_bert.py`` checks vectors, token states and word pieces against
sentence-transformers and transformers on the bundled model.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import torch
from torch import nn

logger = logging.getLogger(__name__)

NO_LIMIT = 1_000_000_000_000_000_019_884_624_838_656  # transformers' "no model_max_length"
#: sentence_bert_config.json keys that leave a plain text encoder as it is (sentence-transformers 2-6)
TEXT_ONLY = {"max_seq_length", "do_lower_case", "transformer_task", "modality_config", "module_output_name"}


@dataclass(frozen=True)
class BertConfig:
    """The ``config.json`` fields a BERT encoder needs (the names ``transformers`` uses)."""

    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    max_position_embeddings: int
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1
    pad_token_id: int = 0

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> BertConfig:
        names = cls.__dataclass_fields__
        return cls(**{k: raw[k] for k in names if k in raw})


def _json(path: Path) -> dict[str, Any]:
    found = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(found, dict):
        raise ValueError(f"{path} is not a JSON object")
    return found


def _module_kinds(folder: Path) -> list[str]:
    """The class names of the folder's modules (``sentence_transformers.models.Pooling`` → ``Pooling``)."""
    listed = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    return [str(m.get("type", "")).rsplit(".", 1)[-1] for m in listed]


def _mean_pooling(config: dict[str, Any]) -> bool:
    if isinstance(config.get("pooling_mode"), str):  # sentence-transformers >= 6: one mode by name
        return config["pooling_mode"] == "mean" and set(config) <= {"embedding_dimension", "pooling_mode",
                                                                    "include_prompt"}  # fmt: skip
    modes = {k for k, v in config.items() if k.startswith("pooling_mode") and v}
    return modes == {"pooling_mode_mean_tokens"}


def can_load(target: str | Path) -> bool:
    """True when ``target`` is a local sentence-transformers folder this module runs as is: a BERT
    (absolute positions, GELU) + mean pooling (+ Normalize), with ``tokenizer.json`` and
    ``model.safetensors``, and no text settings beyond the token limit."""
    folder = Path(target)
    try:
        kinds = _module_kinds(folder)
        config = _json(folder / "config.json")
        pooling = _json(folder / "1_Pooling" / "config.json")
        st_config = _json(folder / "sentence_bert_config.json")
    except (OSError, ValueError, AttributeError):
        return False
    text_only = {"text": {"method": "forward", "method_output_name": "last_hidden_state"}}
    return (
        kinds[:2] == ["Transformer", "Pooling"]
        and kinds[2:] in ([], ["Normalize"])
        and _mean_pooling(pooling)
        and set(st_config) <= TEXT_ONLY
        and not st_config.get("do_lower_case", False)
        and st_config.get("transformer_task", "feature-extraction") == "feature-extraction"
        and st_config.get("module_output_name", "token_embeddings") == "token_embeddings"
        and st_config.get("modality_config", text_only) == text_only
        and config.get("model_type") == "bert"
        and config.get("hidden_act") == "gelu"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and (folder / "tokenizer.json").is_file()
        and (folder / "model.safetensors").is_file()
    )


# ---- the network, named as transformers names it ---------------------------------------------
class BertEmbeddings(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor | None = None) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        states = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        states = states + self.position_embeddings(positions)[None]
        return self.dropout(self.LayerNorm(states))


class BertSelfAttention(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.heads = config.num_attention_heads
        self.query = nn.Linear(config.hidden_size, config.hidden_size)
        self.key = nn.Linear(config.hidden_size, config.hidden_size)
        self.value = nn.Linear(config.hidden_size, config.hidden_size)
        self.dropout_prob = config.attention_probs_dropout_prob

    def forward(self, states: torch.Tensor, attention_mask: torch.Tensor | None) -> torch.Tensor:
        batch, length, hidden = states.shape

        def split(x: torch.Tensor) -> torch.Tensor:
            return x.view(batch, length, self.heads, hidden // self.heads).transpose(1, 2)

        context = nn.functional.scaled_dot_product_attention(
            split(self.query(states)),
            split(self.key(states)),
            split(self.value(states)),
            attn_mask=attention_mask,
            dropout_p=self.dropout_prob if self.training else 0.0,
        )
        return context.transpose(1, 2).reshape(batch, length, hidden)


class BertSelfOutput(nn.Module):
    """``LayerNorm(dropout(dense(states)) + residual)`` after attention (and, as :class:`BertOutput`,
    after the feed-forward map, from its ``intermediate_size``)."""

    def __init__(self, config: BertConfig, in_size: int | None = None) -> None:
        super().__init__()
        self.dense = nn.Linear(in_size or config.hidden_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, states: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(states)) + residual)


class BertAttention(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.self = BertSelfAttention(config)
        self.output = BertSelfOutput(config)

    def forward(self, states: torch.Tensor, attention_mask: torch.Tensor | None) -> torch.Tensor:
        return self.output(self.self(states, attention_mask), states)


class BertIntermediate(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        return nn.functional.gelu(self.dense(states))


class BertOutput(BertSelfOutput):
    def __init__(self, config: BertConfig) -> None:
        super().__init__(config, config.intermediate_size)


class BertLayer(nn.Module):
    """One transformer layer; ``attention_mask`` is additive, shaped ``(batch, 1, 1, tokens)``."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.attention = BertAttention(config)
        self.intermediate = BertIntermediate(config)
        self.output = BertOutput(config)

    def forward(self, hidden_states: torch.Tensor, attention_mask: torch.Tensor | None = None) -> torch.Tensor:
        attended = self.attention(hidden_states, attention_mask)
        return self.output(self.intermediate(attended), attended)


class BertEncoder(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.layer = nn.ModuleList(BertLayer(config) for _ in range(config.num_hidden_layers))


class BertPooler(nn.Module):
    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)


def additive_mask(attention_mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """``(batch, tokens)`` of 0/1 → ``(batch, 1, 1, tokens)`` of 0 / the dtype's minimum."""
    mask = attention_mask.to(dtype)
    return (1.0 - mask[:, None, None, :]) * torch.finfo(dtype).min


class BertModel(nn.Module):
    """Embeddings + transformer layers (+ the pooler's weights, kept so names and fingerprints match)."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__()
        self.config = config
        self.embeddings = BertEmbeddings(config)
        self.encoder = BertEncoder(config)
        self.pooler = BertPooler(config)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
        output_hidden_states: bool = False,
        **_: Any,
    ) -> SimpleNamespace:
        """``last_hidden_state`` and, with ``output_hidden_states``, the embeddings' and every layer's output."""
        states = self.embeddings(input_ids, token_type_ids)
        mask = None if attention_mask is None else additive_mask(attention_mask, states.dtype)
        kept = [states]
        for block in self.encoder.layer:
            states = block(states, attention_mask=mask)
            kept.append(states)
        return SimpleNamespace(last_hidden_state=states, hidden_states=tuple(kept) if output_hidden_states else None)


# ---- word pieces ------------------------------------------------------------------------------
class Encoded(dict):
    """What a ``transformers`` fast tokenizer returns, as far as sciwire reads it: a dict of
    ``input_ids``, ``token_type_ids``, ``attention_mask`` (and ``offset_mapping``), plus ``word_ids``."""

    def __init__(self, data: dict[str, Any], words: list[list[int | None]]) -> None:
        super().__init__(data)
        self._words = words

    def word_ids(self, index: int = 0) -> list[int | None]:
        return self._words[index]


class WordPieceTokenizer:
    """A BERT ``tokenizer.json`` called like ``transformers``' fast tokenizer (one sequence per text: no
    text pairs; padding to the longest text only).

    Special tokens are added here, after truncation, rather than by ``tokenizers`` itself, so the
    wrapped tokenizer is never reconfigured: one object serves every thread.
    """

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tok.no_truncation()
        self._tok.no_padding()
        settings: dict[str, Any] = {}
        if (folder / "tokenizer_config.json").is_file():
            settings = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
        self.model_max_length = int(settings.get("model_max_length") or NO_LIMIT)

        def token(name: str, default: str) -> int:
            found = self._tok.token_to_id(str(settings.get(name) or default))
            if found is None:
                raise ValueError(f"tokenizer.json has no {name} {settings.get(name) or default!r}")
            return int(found)

        self.cls_token_id = token("cls_token", "[CLS]")
        self.sep_token_id = token("sep_token", "[SEP]")
        self.pad_token_id = token("pad_token", "[PAD]")

    def __len__(self) -> int:
        return int(self._tok.get_vocab_size())

    def __call__(
        self,
        text: str | Sequence[str],
        *,
        padding: bool | str = False,
        truncation: bool | str = False,
        max_length: int | None = None,
        return_tensors: str | None = None,
        return_offsets_mapping: bool = False,
        is_split_into_words: bool = False,
        add_special_tokens: bool = True,
        **_: Any,
    ) -> Encoded:
        if padding not in (True, False, "longest", "do_not_pad"):
            raise ValueError(f"padding must be True, False, 'longest' or 'do_not_pad', got {padding!r}")
        padding = padding not in (False, "do_not_pad")
        single = isinstance(text, str) or is_split_into_words
        if is_split_into_words:
            pieces = [self._tok.encode(list(text), is_pretokenized=True, add_special_tokens=False)]
        else:
            pieces = self._tok.encode_batch([text] if isinstance(text, str) else list(text), add_special_tokens=False)
        limit = (max_length or self.model_max_length) if truncation else None
        special = 2 if add_special_tokens else 0
        rows: dict[str, list[list[Any]]] = {"input_ids": [], "token_type_ids": [], "attention_mask": []}
        offsets: list[list[tuple[int, int]]] = []
        words: list[list[int | None]] = []
        for piece in pieces:
            keep = len(piece.ids) if limit is None else max(0, min(len(piece.ids), limit - special))
            ids, spans, owners = list(piece.ids[:keep]), list(piece.offsets[:keep]), list(piece.word_ids[:keep])
            if add_special_tokens:
                ids = [self.cls_token_id, *ids, self.sep_token_id]
                spans = [(0, 0), *spans, (0, 0)]
                owners = [None, *owners, None]
            rows["input_ids"].append(ids)
            rows["token_type_ids"].append([0] * len(ids))
            rows["attention_mask"].append([1] * len(ids))
            offsets.append(spans)
            words.append(owners)
        if return_offsets_mapping:
            rows["offset_mapping"] = offsets
        if padding or return_tensors:
            width = max(map(len, rows["input_ids"]), default=0)
            fill = {"input_ids": self.pad_token_id, "token_type_ids": 0, "attention_mask": 0, "offset_mapping": (0, 0)}
            for name, table in rows.items():
                for row in table:
                    row.extend([fill[name]] * (width - len(row)))
        out: dict[str, Any] = rows
        if return_tensors == "pt":
            out = {name: torch.tensor(table, dtype=torch.long) for name, table in rows.items()}
        elif return_tensors == "np":
            out = {name: np.asarray(table, dtype=np.int64) for name, table in rows.items()}
        elif return_tensors is not None:
            raise ValueError(f"return_tensors must be 'pt', 'np' or None, got {return_tensors!r}")
        if single and return_tensors is None:
            out = {name: table[0] for name, table in out.items()}
        return Encoded(out, words)


# ---- the sentence-transformers face -----------------------------------------------------------
class Transformer:
    """``model[0]``: the network and its tokenizer."""

    def __init__(self, auto_model: BertModel, tokenizer: WordPieceTokenizer, max_seq_length: int | None) -> None:
        self.auto_model = auto_model
        self.tokenizer = tokenizer
        self.max_seq_length = max_seq_length


class BertSentenceEncoder:
    """A mean-pooled BERT with the part of ``SentenceTransformer``'s interface sciwire uses."""

    def __init__(self, body: Transformer, normalize: bool, device: str = "cpu") -> None:
        self._body = body
        self.normalize = normalize
        self.device = torch.device(device)

    def __getitem__(self, index: int) -> Transformer:
        if index != 0:
            raise IndexError(index)
        return self._body

    @property
    def tokenizer(self) -> WordPieceTokenizer:
        return self._body.tokenizer

    @property
    def max_seq_length(self) -> int | None:
        return self._body.max_seq_length

    @max_seq_length.setter
    def max_seq_length(self, value: int | None) -> None:
        self._body.max_seq_length = value

    def get_sentence_embedding_dimension(self) -> int:
        return int(self._body.auto_model.config.hidden_size)

    get_embedding_dimension = get_sentence_embedding_dimension

    def parameters(self) -> Any:
        return self._body.auto_model.parameters()

    def eval(self) -> BertSentenceEncoder:
        self._body.auto_model.eval()
        return self

    def preprocess(self, texts: Sequence[str]) -> dict[str, torch.Tensor]:
        """Word pieces of ``texts`` (stripped, as sentence-transformers does), padded, cut at ``max_seq_length``."""
        limit = self.max_seq_length
        stripped = [str(t).strip() for t in texts]
        encoded = self.tokenizer(stripped, padding=True, truncation=bool(limit), max_length=limit, return_tensors="pt")
        return dict(encoded)

    tokenize = preprocess

    def forward(self, features: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """``token_embeddings`` and the mean-pooled ``sentence_embedding`` (normalised when the folder says so)."""
        out = self._body.auto_model(
            input_ids=features["input_ids"],
            attention_mask=features["attention_mask"],
            token_type_ids=features.get("token_type_ids"),
        )
        tokens = out.last_hidden_state
        mask = features["attention_mask"].unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        if self.normalize:
            pooled = nn.functional.normalize(pooled, p=2, dim=1)
        return {**features, "token_embeddings": tokens, "sentence_embedding": pooled}

    def encode(
        self,
        sentences: str | Sequence[str],
        batch_size: int = 32,
        output_value: str = "sentence_embedding",
        convert_to_numpy: bool = True,
        normalize_embeddings: bool = False,
        **_: Any,
    ) -> Any:
        """Like ``SentenceTransformer.encode``: batches by length, results in input order."""
        if output_value not in ("sentence_embedding", "token_embeddings"):
            raise ValueError(f"output_value must be 'sentence_embedding' or 'token_embeddings', got {output_value!r}")
        single = isinstance(sentences, str)
        texts = [sentences] if isinstance(sentences, str) else list(sentences)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        found: list[Any] = [None] * len(texts)
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                rows = order[start : start + batch_size]
                features = {k: v.to(self.device) for k, v in self.preprocess([texts[i] for i in rows]).items()}
                result = self.forward(features)
                if output_value == "token_embeddings":
                    lengths = features["attention_mask"].sum(1).tolist()
                    for k, i in enumerate(rows):
                        found[i] = result["token_embeddings"][k, : int(lengths[k])].clone()
                    continue
                vecs = result["sentence_embedding"]
                if normalize_embeddings:
                    vecs = nn.functional.normalize(vecs, p=2, dim=1)
                for k, i in enumerate(rows):
                    found[i] = vecs[k]
        if output_value == "token_embeddings":
            return found[0] if single else found
        if not found:
            return np.zeros((0, self.get_sentence_embedding_dimension()), dtype=np.float32)
        stacked = torch.stack(found)
        if convert_to_numpy:
            return stacked[0].cpu().numpy() if single else stacked.cpu().numpy()
        return stacked[0] if single else stacked


def load(target: str | Path, device: str = "cpu") -> BertSentenceEncoder:
    """The sentence encoder in folder ``target`` (check :func:`can_load` first).

    Raises:
        OSError, ValueError, RuntimeError: When a file is missing or the weights do not fit.
    """
    from safetensors.torch import load_file

    folder = Path(target)
    config = BertConfig.from_dict(json.loads((folder / "config.json").read_text(encoding="utf-8")))
    if config.hidden_size % config.num_attention_heads:
        raise ValueError(f"hidden_size {config.hidden_size} is not a multiple of {config.num_attention_heads} heads")
    st_config = _json(folder / "sentence_bert_config.json")
    model = BertModel(config)
    weights = load_file(str(folder / "model.safetensors"))
    prefixes = ("bert.", "model.")  # a BertForX checkpoint, or a body saved with a prefix
    weights = {next((k[len(p) :] for p in prefixes if k.startswith(p)), k): v for k, v in weights.items()}
    weights = {k: v for k, v in weights.items() if not k.endswith(("position_ids", "token_type_ids"))}
    expected = set(model.state_dict())
    missing = sorted(expected - set(weights))
    if [k for k in missing if not k.startswith("pooler.")]:
        raise ValueError(f"model.safetensors lacks {len(missing)} BERT weights, e.g. {missing[0]!r}")
    model.load_state_dict(weights, strict=False)
    model.eval().to(device)
    tokenizer = WordPieceTokenizer(folder)
    limit = int(st_config.get("max_seq_length") or min(tokenizer.model_max_length, config.max_position_embeddings))
    normalize = _module_kinds(folder)[2:] == ["Normalize"]
    logger.debug("Loaded %s as a plain-PyTorch BERT (%d layers, %d hidden)", folder, config.num_hidden_layers,
                 config.hidden_size)  # fmt: skip
    return BertSentenceEncoder(Transformer(model, tokenizer, limit), normalize, device)


__all__ = ["BertModel", "BertSentenceEncoder", "WordPieceTokenizer", "can_load", "load"]
