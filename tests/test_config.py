from __future__ import annotations

import pytest

from sciwire.config import Config, load_config, parse_override
from sciwire.errors import ConfigError


def test_defaults_and_round_trip(tmp_path):
    cfg = load_config(environ={})
    assert cfg == Config()
    path = tmp_path / "c.toml"
    path.write_text(cfg.to_toml())
    assert load_config(path, environ={}) == cfg


def test_precedence_file_env_overrides(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[align]\nthreshold = 0.7\n[paths]\ndata_dir = "/from/file"\n')
    cfg = load_config(path, ["align.top_k=5", 'models.embedding="x/y"'], environ={"SCIWIRE_DATA": "/from/env"})
    assert cfg.align.threshold == 0.7
    assert cfg.align.top_k == 5
    assert cfg.paths.data_dir == "/from/env"
    assert cfg.models.embedding == "x/y"


def test_env_config_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[runtime]\nbatch_size = 8\n")
    assert load_config(environ={"SCIWIRE_CONFIG": str(path)}).runtime.batch_size == 8


def test_override_values_are_parsed_as_toml_or_string():
    assert parse_override("align.threshold=0.6") == ("align", "threshold", 0.6)
    assert parse_override("models.embedding=sentence-transformers/x") == (
        "models",
        "embedding",
        "sentence-transformers/x",
    )


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("threshold=0.5", "must look like section.key=value"),
        ("nope.x=1", r"Unknown config section \[nope\]"),
        ("align.nope=1", "Unknown setting align.nope"),
        ("align.threshold=1.5", r"align.threshold is a probability and must be in \(0, 1\)"),
        ("align.top_k=many", "align.top_k must be of type int"),
        ("runtime.device=tpu", "runtime.device must be 'cpu', 'gpu' or 'auto'"),
        ("input.max_mb=0", "input.max_mb must be positive"),
        ('models.spacy=""', "models.spacy must be a non-empty"),
        ("fidelity.candidates=0", "fidelity.candidates must be between 1 and 10, got 0"),
        ("models.max_tokens=-1", r"models.max_tokens must be between 0 \(the model.s limit\) and 8192, got -1"),
        (
            "models.embedding_backend=int8",
            r"^models.embedding_backend must be one of torch, onnx, onnx-int8, openvino, got 'int8'$",
        ),
    ],
)
def test_invalid_overrides(override, message):
    with pytest.raises(ConfigError, match=message):
        load_config(overrides=[override], environ={})


def test_the_int8_encoder_is_a_backend_by_name():
    assert load_config(overrides=["models.embedding_backend=onnx-int8"], environ={}).models.embedding_backend == (
        "onnx-int8"
    )


@pytest.mark.parametrize(
    ("setting", "value", "shown"),
    [
        ("input.max_mb", "nan", "nan"),  # nan passed "max_mb <= 0" and switched the size limit off
        ("input.max_mb", "inf", "inf"),
        ("input.max_mb", '"-inf"', "-inf"),
        ("input.max_mb", '"NaN"', "nan"),
        ("link.find_w_doi", "inf", "inf"),
        ("link.find_w_title", "nan", "nan"),
        ("fidelity.number_tolerance", "nan", "nan"),
        ("keyphrases.diversity", "-inf", "-inf"),
        ("align.threshold", "1" + "0" * 400, "inf"),
    ],
)
def test_non_finite_floats_are_rejected_naming_the_key(setting, value, shown):
    with pytest.raises(ConfigError, match=rf"^{setting} must be a finite number, got {shown}$"):
        load_config(overrides=[f"{setting}={value}"], environ={})


def test_non_finite_floats_are_rejected_in_files_and_mappings(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[input]\nmax_mb = nan\n")
    with pytest.raises(ConfigError, match=r"^input.max_mb must be a finite number, got nan$"):
        load_config(path, environ={})
    with pytest.raises(ConfigError, match=r"^qa.rrf_k must be of type int, got nan$"):
        load_config(overrides={"qa": {"rrf_k": float("nan")}}, environ={})


def test_bad_files(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml", environ={})
    bad = tmp_path / "bad.toml"
    bad.write_text("[align\n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_config(bad, environ={})
    flat = tmp_path / "flat.toml"
    flat.write_text("threshold = 0.5\n")
    with pytest.raises(ConfigError, match="must be a \\[table\\]"):
        load_config(flat, environ={})


def test_docs_config_md_shows_the_real_defaults():
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "config.md").read_text("utf-8")
    block = re.search(r"```toml\n(.*?)```", doc, re.S).group(1)
    import tomllib

    data = tomllib.loads(block)
    data["paths"]["cache_dir"] = Config().paths.cache_dir
    data["paths"]["store"] = Config().paths.store
    assert data == tomllib.loads(Config().to_toml()), "docs/config.md must list every setting with its default"
    assert load_config(overrides=data, environ={}) == Config()
