from __future__ import annotations

import json

import numpy as np
import pytest

from sciwire.errors import ModelLoadError
from sciwire.fitting import bundled_models_dir, read_json, read_safetensors, resolve_model_folder, retrain_hint

HINT = retrain_hint("sciwire train align", "align.model")


def test_resolve_model_folder(tmp_path):
    assert resolve_model_folder("default", "discourse_coresc") == bundled_models_dir() / "discourse_coresc"
    assert resolve_model_folder(str(tmp_path), "align_default") == tmp_path
    with pytest.raises(ModelLoadError, match=r"does not exist or is not a folder; retrain with `sciwire train align`"):
        resolve_model_folder(tmp_path / "nope", "align_default", hint=HINT)
    with pytest.raises(ModelLoadError, match="shipped model folder not_shipped"):
        resolve_model_folder("default", "not_shipped")
    with pytest.raises(ModelLoadError, match="is empty"):
        resolve_model_folder("  ", "align_default")


def test_read_json_errors_name_folder_file_and_what_to_do(tmp_path):
    (tmp_path / "ok.json").write_text(json.dumps({"a": 1}))
    assert read_json(tmp_path, "ok.json", keys=("a",)) == {"a": 1}
    cases = {
        "missing.json": None,
        "bad.json": "{not json",
        "list.json": "[1, 2]",
        "short.json": json.dumps({"b": 2}),
    }
    messages = {
        "missing.json": "missing.json is missing",
        "bad.json": r"bad.json is not valid JSON \(Expecting property name",
        "list.json": "list.json holds a list, expected a JSON object",
        "short.json": "short.json lacks 'a'",
    }
    for name, text in cases.items():
        if text is not None:
            (tmp_path / name).write_text(text)
        with pytest.raises(ModelLoadError, match=messages[name]) as err:
            read_json(tmp_path, name, keys=("a",), hint=HINT)
        message = str(err.value)
        assert "\n" not in message and str(tmp_path) in message and message.endswith(f"; {HINT}")
    with pytest.raises(ModelLoadError, match="the folder does not exist"):
        read_json(tmp_path / "gone", "ok.json")


def test_read_safetensors_checks_truncation_keys_and_hash(tmp_path):
    import hashlib

    from safetensors.numpy import save_file

    save_file({"w": np.arange(6, dtype=np.float32)}, str(tmp_path / "m.safetensors"))
    np.testing.assert_array_equal(read_safetensors(tmp_path, "m.safetensors", keys=("w",))["w"], np.arange(6))
    sha = hashlib.sha256((tmp_path / "m.safetensors").read_bytes()).hexdigest()
    assert read_safetensors(tmp_path, "m.safetensors", sha256=sha)
    with pytest.raises(ModelLoadError, match="lacks 'bias'"):
        read_safetensors(tmp_path, "m.safetensors", keys=("w", "bias"))
    with pytest.raises(ModelLoadError, match="does not match its recorded sha256"):
        read_safetensors(tmp_path, "m.safetensors", sha256="0" * 64)
    blob = (tmp_path / "m.safetensors").read_bytes()
    (tmp_path / "cut.safetensors").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(ModelLoadError, match=r"cut\.safetensors is truncated or not a safetensors file") as err:
        read_safetensors(tmp_path, "cut.safetensors", hint=HINT)
    assert "\n" not in str(err.value)
    with pytest.raises(ModelLoadError, match=r"none\.safetensors is missing"):
        read_safetensors(tmp_path, "none.safetensors")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_read_json_refuses_non_finite_numbers(tmp_path, constant):
    (tmp_path / "weights.json").write_text(f'{{"format": "x", "bm25_weight": {constant}}}', encoding="utf-8")
    with pytest.raises(ModelLoadError) as err:
        read_json(tmp_path, "weights.json", hint="retrain it")
    message = str(err.value)
    assert "\n" not in message and "weights.json is not valid JSON" in message
    assert f"it holds {constant}, which is not a finite number" in message and message.endswith("retrain it")
