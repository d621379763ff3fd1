from __future__ import annotations

import numpy as np
import pytest

from sciwire.errors import DocumentError
from sciwire.fitting import Receipt, data_hash, expected_calibration_error, reliability_svg, write_model_card
from sciwire.fitting.calibration import reliability_bins


def test_ece_hand_worked():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    # bins: conf 0.6 wrong (0.6), 0.8 right (0.2), 0.9 right (0.1) -> mean 0.3
    assert expected_calibration_error(probs, np.array([0, 1, 1])) == pytest.approx(0.3)
    assert reliability_bins(probs, np.array([0, 1, 1])) == [(0.6, 0.0, 1), (0.8, 1.0, 1), (0.9, 1.0, 1)]


def test_ece_zero_when_confidence_matches_accuracy_and_binary_input():
    probs = np.array([0.75] * 4)  # P(class 1); 3 of 4 are class 1
    assert expected_calibration_error(probs, np.array([1, 1, 1, 0])) == pytest.approx(0.0)
    with pytest.raises(DocumentError, match="Got 4 probability rows for 3 labels"):
        expected_calibration_error(probs, np.array([1, 1, 1]))


def test_reliability_svg_escapes_names():
    svg = reliability_svg({"before <raw>": (np.array([0.9, 0.2]), np.array([1, 0]))}, title="T&C")
    assert svg.startswith("<svg") and "<polyline" in svg
    assert "before &lt;raw&gt;" in svg and "T&amp;C" in svg


def test_receipt_round_trip_and_data_hash(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("x")
    h1 = data_hash([tmp_path / "d"])
    assert h1 == data_hash([tmp_path / "d" / "a.txt"])
    (tmp_path / "d" / "a.txt").write_text("y")
    assert data_hash([tmp_path / "d"]) != h1
    receipt = Receipt(command="sciwire train x", config={"a": 1}, data={"d": h1}, metrics={"f1": 0.5})
    receipt.write(tmp_path / "model")
    assert Receipt.read(tmp_path / "model") == receipt
    assert receipt.code_version.startswith("0.1.0")


def test_model_card(tmp_path):
    path = write_model_card(
        tmp_path,
        name="roles",
        summary="S",
        data="D",
        licence="CC-BY 4.0",
        metrics_markdown="| a |",
        command="c",
        limits="L",
    )
    text = path.read_text()
    assert "# Model card: roles" in text and "**CC-BY 4.0**" in text and "Reproduce: `c`" in text
