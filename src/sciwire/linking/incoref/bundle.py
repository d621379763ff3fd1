"""The shipped coreference model: mention detector + mention ranker + the encoder layer they read.

A model folder holds ``model.json`` (format, encoder, layer, settings), ``model.safetensors``
(the ranker's weights and the detector's coefficients, ~0.3 MB: MiniLM itself is not copied,
the heads read its frozen states), ``MODEL_CARD.md`` and ``receipt.json``.
``"default"`` is ``sciwire/models/coref_default``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sciwire.errors import ModelLoadError
from sciwire.fitting.folders import load_once, read_json, read_safetensors, resolve_model_folder, retrain_hint
from sciwire.linking.incoref.mentions import MentionDetector
from sciwire.linking.incoref.model import MentionRanker, _module
from sciwire.linking.incoref.prepare import MAX_ANTECEDENTS

DEFAULT_FOLDER = "coref_default"
FORMAT = "sciwire-incoref/1"
HINT = retrain_hint("sciwire train coref", "model=")
_KEYS = ("format", "encoder", "layer", "dim", "hidden", "n_in", "n_pair", "threshold", "max_antecedents")


@dataclass
class CorefModel:
    """A fitted ranker and detector with the encoder layer they were fitted on."""

    ranker: MentionRanker
    detector: MentionDetector
    encoder: str
    layer: int
    max_antecedents: int = MAX_ANTECEDENTS

    def save(self, folder: str | os.PathLike[str]) -> Path:
        """Write ``model.json`` and ``model.safetensors`` into ``folder`` (card and receipt: the trainer)."""
        from safetensors.numpy import save_file

        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        net = self.ranker.net_
        tensors = {f"ranker.{k}": v.detach().cpu().numpy().astype(np.float32) for k, v in net.state_dict().items()}
        tensors.update({"detector.coef": self.detector.coef_, "detector.mean": self.detector.mean_.astype(np.float32),
                        "detector.scale": self.detector.scale_.astype(np.float32),
                        "detector.intercept": np.array([self.detector.intercept_], dtype=np.float32)})  # fmt: skip
        save_file(tensors, str(out / "model.safetensors"))
        meta = {"format": FORMAT, "encoder": self.encoder, "layer": self.layer, "dim": self.ranker.dim,
                "hidden": self.ranker.hidden, "n_in": int(net.proj.in_features),
                "n_pair": int(net.mlp[0].in_features - 3 * self.ranker.dim), "threshold": self.detector.threshold,
                "max_antecedents": self.max_antecedents, "detector_C": self.detector.C}  # fmt: skip
        (out / "model.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        return out

    @classmethod
    def load(cls, spec: str | os.PathLike[str] = "default") -> CorefModel:
        """The model in ``spec`` (``"default"``: the shipped one), loaded once per folder version.

        Raises:
            ModelLoadError: The folder or a file is missing, damaged, or not a coreference model.
        """
        folder = resolve_model_folder(spec, DEFAULT_FOLDER, hint=HINT)
        return load_once("incoref", folder, "model.safetensors", lambda: _load(folder))


def _load(folder: Path) -> CorefModel:
    import torch

    meta = read_json(folder, "model.json", keys=_KEYS, hint=HINT)
    if meta["format"] != FORMAT:
        raise ModelLoadError(f"Cannot load the model in {folder}: model.json has format {meta['format']!r}, "
                             f"expected {FORMAT!r}; {HINT}")  # fmt: skip
    arrays = read_safetensors(folder, "model.safetensors", keys=("detector.coef",), hint=HINT)
    ranker = MentionRanker(dim=meta["dim"], hidden=meta["hidden"])
    net = _module(meta["n_in"], meta["n_pair"], meta["dim"], meta["hidden"], 0.0)
    state = {k[len("ranker.") :]: torch.as_tensor(v) for k, v in arrays.items() if k.startswith("ranker.")}
    try:
        net.load_state_dict(state)
    except RuntimeError as exc:
        detail = str(exc).splitlines()[0]
        raise ModelLoadError(f"Cannot load the model in {folder}: model.safetensors does not fit model.json "
                             f"({detail}); {HINT}") from exc  # fmt: skip
    net.eval()
    ranker.net_, ranker.n_features_in_ = net, meta["n_in"]
    detector = MentionDetector(C=meta.get("detector_C", 0.5), threshold=meta["threshold"])
    detector.coef_, detector.mean_ = arrays["detector.coef"], arrays["detector.mean"]
    detector.scale_, detector.intercept_ = arrays["detector.scale"], float(arrays["detector.intercept"][0])
    detector.classes_ = np.array([0, 1])
    return CorefModel(ranker, detector, str(meta["encoder"]), int(meta["layer"]), int(meta["max_antecedents"]))


def model_settings(model: CorefModel) -> dict[str, Any]:
    """What a receipt records about the model."""
    return {"encoder": model.encoder, "layer": model.layer, **model.ranker.get_params(),
            "detector": model.detector.get_params()}  # fmt: skip
