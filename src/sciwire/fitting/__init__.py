"""Shared ML plumbing, written once: probabilities (sigmoid, softmax, temperature scaling), the
fitted logistic scorer, model folders and their loader, calibration metrics, receipts, model
cards and the result every ``train_*`` function returns.

Imports only the bottom of sciwire (``errors``, ``version``) and numpy/scipy/scikit-learn,
never a capability.
"""

from sciwire.fitting.calibration import expected_calibration_error, reliability_svg
from sciwire.fitting.folders import (
    bundled_models_dir,
    model_file,
    read_json,
    read_safetensors,
    require_keys,
    resolve_model_folder,
    retrain_hint,
)
from sciwire.fitting.logistic import LogisticScorer, load_scorer
from sciwire.fitting.probability import fit_temperature, sigmoid, softmax
from sciwire.fitting.receipts import ModelCard, Receipt, code_version, data_hash, write_model_card
from sciwire.fitting.results import TrainResult

__all__ = [
    "LogisticScorer",
    "ModelCard",
    "Receipt",
    "TrainResult",
    "bundled_models_dir",
    "code_version",
    "data_hash",
    "expected_calibration_error",
    "fit_temperature",
    "load_scorer",
    "model_file",
    "read_json",
    "read_safetensors",
    "reliability_svg",
    "require_keys",
    "resolve_model_folder",
    "retrain_hint",
    "sigmoid",
    "softmax",
    "write_model_card",
]
