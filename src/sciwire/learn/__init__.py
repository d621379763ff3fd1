"""Shared ML plumbing: calibration metrics and plots, receipts, model cards, persistence."""

from sciwire.learn.calibration import expected_calibration_error, reliability_svg
from sciwire.learn.receipts import Receipt, code_version, data_hash, write_model_card

__all__ = ["Receipt", "code_version", "data_hash", "expected_calibration_error", "reliability_svg", "write_model_card"]
