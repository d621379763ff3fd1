"""``sciwire relations`` end to end: noun-chunk pairs of a text, the bundled schema, the real MiniLM and parser."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sciwire.cli.main import app
from sciwire.examples import EXAMPLES_DIR
from sciwire.relations.model import NotaHead, save_head
from sciwire.relations.schema import NOTA

runner = CliRunner()
SCHEMA = EXAMPLES_DIR / "relations.toml"
TEXT = (
    "Sleep was measured with a wrist actigraph in every participant. "
    "Melatonin reduced the number of night-time awakenings in older adults."
)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A head with hand-set thresholds (what a trained folder holds), so the test does not depend on training."""
    folder = tmp_path_factory.mktemp("relations-head")
    head = NotaHead(rank=0).set_fixed(10.0, 0.5, {1: 0.5, 5: 0.6}, centred={1: 0.02, 5: 0.02})
    save_head(head, folder, {"model": "all-MiniLM-L6-v2", "layers": [4], "parts": ["head", "tail", "mean"],
                             "style": "none"})  # fmt: skip
    return folder


@pytest.mark.slow
def test_relations_json_lists_pairs_in_a_schema_relation(tmp_path, model_dir, cache_dir):
    story = tmp_path / "story.txt"
    story.write_text(TEXT, encoding="utf-8")
    result = runner.invoke(app, ["relations", str(story), "--schema", str(SCHEMA), "--model", str(model_dir),
                                 "--json", "--set", f"paths.cache_dir={cache_dir}"])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == ["improves", "reduces", "measured with", "studied in"]
    assert data["pairs_checked"] >= 4
    found = {(r["head"], r["relation"], r["tail"]) for r in data["relations"]}
    assert any(h == "Sleep" and rel == "measured with" and t.startswith("wrist") for h, rel, t in found)
    assert all(r["relation"] != NOTA and 0 < r["probability"] <= 1 for r in data["relations"])
    assert all(TEXT[r["head_start"] : r["head_end"]] == r["head"] for r in data["relations"])


def test_a_bad_schema_is_one_line_and_exit_code_1_before_any_model_loads(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(TEXT, encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[relation]]\nname = "x"\nexamples = ["[E1]a[/E1] and [E9]b[/E9]"]\n', encoding="utf-8")
    result = runner.invoke(app, ["relations", str(story), "--schema", str(bad)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "unknown entity marker '[E9]'" in lines[0]


def test_the_shipped_head_loads_when_present():
    from sciwire.fitting.folders import bundled_models_dir
    from sciwire.relations.model import DEFAULT_FOLDER, load_head

    if not (bundled_models_dir() / DEFAULT_FOLDER).is_dir():
        pytest.skip("relations_default is not built in this checkout (sciwire train relations)")
    head, features = load_head("default")
    assert set(head.centred_thresholds_) == {1, 5} and features["style"] in ("none", "punct", "tags")
    assert (bundled_models_dir() / DEFAULT_FOLDER / "MODEL_CARD.md").read_text("utf-8").count("MIT") >= 1


def test_train_relations_rejects_an_unknown_dataset(tmp_path):
    result = runner.invoke(app, ["train", "relations", "--dataset", "tacred", "--out", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "--dataset must be one of ('fewrel', 'scierc'), got 'tacred'" in result.output
