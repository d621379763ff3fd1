"""``sciwire train coref``: fit the in-document coreference model on LitBank (+ GAP development).

The encoder stays frozen: LitBank and GAP are parsed and encoded once (cached, see
:mod:`sciwire.linking.incoref.corpus`), then the mention ranker is fitted on LitBank's gold
mentions and GAP development's labelled pronouns, and the mention detector on LitBank's
candidates. Both data sets may ship a model (LitBank CC-BY 4.0, GAP Apache-2.0). The held-out
GAP validation split is scored after fitting and recorded in the receipt and card.

With GAP, its one-pronoun snippets are pooled 25 to an optimizer step
(:data:`GAP_STEP_MENTIONS`; unpooled, GAP's 2,000 snippets took 25 steps for each LitBank
document), and :data:`GAP_TAIL_EPOCHS` more passes over LitBank alone follow the five over both.
Over three ranker seeds on the same LitBank folds (docs/coref.md), the tail passes lift LitBank CV
CoNLL F1 from 0.713 (pooling only; 0.700-0.722 from seed to seed) to 0.720, above LitBank alone
(0.716), and GAP stays far above LitBank alone: this is the shipped recipe.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sciwire.config import Config, load_config
from sciwire.fitting import ModelCard, Receipt, TrainResult, data_hash
from sciwire.linking.incoref.bundle import CorefModel, model_settings
from sciwire.linking.incoref.corpus import ENCODER, LAYER, read_corpora
from sciwire.linking.incoref.evaluate import fit_detector
from sciwire.linking.incoref.gap import GapDoc, evaluate_gap, training_doc
from sciwire.linking.incoref.model import MentionRanker
from sciwire.linking.incoref.prepare import MAX_ANTECEDENTS, prepare

logger = logging.getLogger(__name__)

#: Labelled mentions per optimizer step when GAP snippets are in the training data.
GAP_STEP_MENTIONS = 25
#: Passes over LitBank alone after the passes over LitBank and GAP.
GAP_TAIL_EPOCHS = 2


def recipe(with_gap: bool) -> dict[str, Any]:
    """The ranker settings of a recipe: with GAP in the data, its snippets pooled per step and
    :data:`GAP_TAIL_EPOCHS` passes over LitBank alone at the end."""
    return {"min_step_mentions": GAP_STEP_MENTIONS, "tail_epochs": GAP_TAIL_EPOCHS} if with_gap else {}


def fit_model(docs: Any, inputs: Any, gap_docs: list[GapDoc], layer: int = LAYER,
              ranker: Mapping[str, Any] | None = None) -> CorefModel:  # fmt: skip
    """Fit the ranker (LitBank gold mentions + GAP pronouns) and the detector (LitBank).

    ``ranker``: :class:`MentionRanker` settings (default: :func:`recipe`, GAP pooled when given)."""
    prepared = [prepare(x, d.mentions, d.cluster_of)[0] for d, x in zip(docs, inputs, strict=True)]
    prepared += [training_doc(g, MAX_ANTECEDENTS) for g in gap_docs]
    fitted = MentionRanker(**(recipe(bool(gap_docs)) if ranker is None else ranker)).fit(prepared)
    return CorefModel(fitted, fit_detector(inputs, docs), ENCODER, layer, MAX_ANTECEDENTS)


def train_coref(
    data_dir: str | os.PathLike[str],
    out: str | os.PathLike[str],
    config: Config | None = None,
    *,
    gap: bool = True,
    command: str = "sciwire train coref",
    on_progress: Callable[[int], None] | None = None,
) -> TrainResult:
    """Fit on all of LitBank (and GAP development unless ``gap=False``) and write the model folder.

    Returns:
        ``metrics``: training sizes and the GAP validation scores of the fitted model.

    Raises:
        InputError: LitBank or GAP is missing under ``data_dir``.
    """
    from sciwire.datasets.base import data_path

    config = config or load_config()
    splits = ("development", "validation") if gap else ()
    docs, inputs, gaps = read_corpora(data_dir, config, gap_splits=splits, on_progress=on_progress)
    model = fit_model(docs, inputs, gaps.get("development", []))
    metrics: dict[str, Any] = {"litbank_documents": len(docs), "litbank_mentions": sum(len(d.mentions) for d in docs),
                               "gap_development_pronouns": len(gaps.get("development", []))}  # fmt: skip
    if "validation" in gaps:
        metrics["gap_validation"] = evaluate_gap(gaps["validation"], {"model": model})
    hashes = {"litbank": data_hash([data_path(data_dir, "litbank", "conll")])}
    if gap:
        hashes["gap"] = data_hash([data_path(data_dir, "gap", "gap-development.tsv")])
    folder = model.save(out)
    Receipt(command, {"models": config.to_dict()["models"], "fit": model_settings(model)}, hashes, metrics).write(
        folder
    )
    coref_card(metrics, command, gap).write(folder)
    return TrainResult(Path(folder), metrics)


def coref_card(metrics: Mapping[str, Any], command: str, gap: bool = True) -> ModelCard:
    """The model card of a folder written by :func:`train_coref`."""
    g = metrics.get("gap_validation", {})
    rows = "\n".join(f"| {k} | {v['f1']} | {v['f1_masculine']} | {v['f1_feminine']} | {v['bias_f_m']} |"
                     for k, v in g.items())  # fmt: skip
    gap_table = (
        (
            "GAP validation (held out, snippet context), F1 of the A/B decisions:\n\n"
            "| system | F1 | F1 masc. | F1 fem. | bias F/M |\n|---|---|---|---|---|\n" + rows + "\n\n"
        )
        if g
        else ""
    )
    return ModelCard(
        name="sciwire in-document coreference (mention ranker on frozen MiniLM states)",
        summary=(
            f"Heads over the frozen all-MiniLM-L6-v2 token states after layer {LAYER} (MiniLM is not copied here): a "
            "logistic mention detector over parse candidates, and a mention-ranking scorer (a 64-d projection of "
            "[first, last, mean] word states + width, and a one-hidden-layer MLP over the pair with distance, "
            "string/head match and agreement features; 'new entity' scores 0). Used by "
            "`sciwire.linking.incoref.resolve`, the spaCy component `sciwire_coref` and the `incoref` step. "
            "See docs/coref.md."
        ),
        data=(
            f"LitBank (Bamman et al. 2020): all {metrics['litbank_documents']} documents, "
            f"{metrics['litbank_mentions']} gold mentions, CC-BY 4.0"
            + (
                f"; GAP development (Webster et al. 2018): {metrics['gap_development_pronouns']} labelled pronouns, "
                "Apache-2.0."
                if gap
                else "."
            )
        ),
        licence=("CC-BY 4.0 (LitBank) and Apache-2.0 (GAP)" if gap else "CC-BY 4.0 (LitBank)")
        + ": attribute LitBank when you redistribute",
        metrics_markdown=(
            gap_table
            + "LitBank 5-fold document cross-validation (CoNLL F1 with and without singletons, gold and predicted "
            "mentions, beside baselines): `python benchmarks/coref.py` (docs/benchmarks.md)."
        ),
        command=command,
        limits=(
            ("Trained on fiction (LitBank) and Wikipedia biographies (GAP)" if gap else "Trained on fiction (LitBank)")
            + ", not on news: chains of technical "
            "things ('the drug', 'the compound') rest on head match and the ranker's generalisation. English "
            "only; the detector keeps LitBank's entity types (people, places, organisations, vehicles). "
            "Refit after changing the encoder or the spaCy pipeline."
        ),
    )
