"""The model playground: every sentence model on one sentence, with what each already explains.

Nothing here invents an explanation: each model shows what its capability computes anyway.

* Discourse (CoreSC concept, and the sentence's role were it in an abstract): the calibrated
  probability and the words that pushed the tagger (:mod:`sciwire.discourse.explain`: linear
  contributions of the sentence's words), with the closest training sentences.
* Fidelity claim strength (0-3) and, when shipped, certainty (1-6) and "states a conclusion":
  the models' probabilities; the words are the cue phrases the fidelity checks read
  (:func:`sciwire.fidelity.cues.find_cues`), which are evidence the checks use, not the
  classifier's weights (the fine-tuned encoders do not give per-word weights).
"""

from __future__ import annotations

import threading
from typing import Any

from sciwire.config import Config

_lock = threading.Lock()
_fidelity: dict[str, Any] = {}
#: Claim strength classes (Yu et al. 2019), as the fidelity model card names them.
STRENGTH = ("no claim", "correlational", "conditional causal", "direct causal")


def _fidelity_models(config: Config) -> Any:
    from sciwire.fidelity.bundle import FidelityModels

    key = config.fidelity.model_dir
    with _lock:
        if key not in _fidelity:
            _fidelity[key] = FidelityModels.load(key or None)
        return _fidelity[key]


def _by_probability(probabilities: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(probabilities.items(), key=lambda kv: -kv[1])


def _discourse(text: str, config: Config, task: str) -> dict[str, Any]:
    from sciwire.discourse.api import classify_texts
    from sciwire.discourse.labels import ABSTRACT, CORESC

    (pred,) = classify_texts([text], task=task, config=config, explain=True)
    labels = CORESC if task == "coresc" else ABSTRACT
    expl = pred.explanation
    return {
        "model": "discourse." + ("coresc" if task == "coresc" else "abstract"),
        "question": "Which Core Scientific Concept is this sentence?"
        if task == "coresc"
        else "Were it in an abstract, which role would it play?",
        "label": labels.name(pred.label),
        "probability": round(pred.probability, 4),
        "probabilities": {labels.name(k): round(v, 4) for k, v in _by_probability(pred.probabilities)},
        "words": [] if expl is None else [[w, round(c, 3)] for w, c in expl.lexical],
        "words_are": "the words' contributions to this label (positive pushes towards it)",
        "similar": [] if expl is None else [[labels.name(n.label), round(n.similarity, 3)] for n in expl.neighbours],
    }


def _fidelity_rows(text: str, config: Config) -> list[dict[str, Any]]:
    from sciwire.fidelity.cues import find_cues

    models = _fidelity_models(config)
    cues = [[group, phrase] for group, phrases in find_cues(text).items() for phrase in phrases]
    probs = models.strength_proba([text])[0]
    best = int(probs.argmax())
    rows = [
        {
            "model": "fidelity.strength",
            "question": "How strong a claim does it make?",
            "label": STRENGTH[best],
            "probability": round(float(probs[best]), 4),
            "probabilities": {STRENGTH[i]: round(float(p), 4) for i, p in enumerate(probs)},
            "words": cues,
            "words_are": "the cue phrases the fidelity checks read (cue group, phrase)",
            "similar": [],
        }
    ]
    conclusion = models.conclusion_proba([text])
    if conclusion is not None:
        p = float(conclusion[0])
        rows.append(
            {
                "model": "fidelity.conclusion",
                "question": "Does it state a conclusion?",
                "label": "conclusion" if p >= config.fidelity.finding_threshold else "not a conclusion",
                "probability": round(max(p, 1 - p), 4),
                "probabilities": {"conclusion": round(p, 4), "not a conclusion": round(1 - p, 4)},
                "words": cues,
                "words_are": "the cue phrases the fidelity checks read (cue group, phrase)",
                "similar": [],
            }
        )
    certainty = models.certainty_scores([text])
    if certainty is not None:
        rows.append(
            {
                "model": "fidelity.certainty",
                "question": "How certain does it sound (1-6)?",
                "label": f"{float(certainty[0]):.1f} of 6",
                "probability": None,
                "probabilities": {},
                "words": [c for c in cues if c[0] in ("modal", "evidential", "uncertainty")],
                "words_are": "the hedge cues the fidelity checks read (a regression score has no probability)",
                "similar": [],
            }
        )
    return rows


def predict_sentence(text: str, config: Config) -> dict[str, Any]:
    """Every sentence model's prediction on ``text``, its calibrated confidence and its words.

    Returns:
        ``{"text": ..., "models": [{"model", "question", "label", "probability", "probabilities",
        "words", "words_are", "similar"}, ...]}``.
    """
    rows = [_discourse(text, config, "coresc"), _discourse(text, config, "abstract"), *_fidelity_rows(text, config)]
    return {"text": text, "models": rows}
