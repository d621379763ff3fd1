"""sciwire evaluate link: the configured coreference scored on a CD²CR split (made-up topics)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sciwire.config import load_config
from sciwire.errors import InputError
from sciwire.linking.scores import SETTINGS, evaluate_link, markdown_tables
from tests.synthetic_cdcr import write_cdcr


@pytest.mark.slow
def test_a_test_split_is_scored_with_its_baselines(tmp_path, cache_dir):
    data = write_cdcr(tmp_path / "data", split="test")
    cfg = load_config(overrides=[f"paths.cache_dir={cache_dir}"], environ={})
    ticks: list[int] = []
    out = evaluate_link(data, cfg, split="test", on_progress=ticks.append)
    assert out["split"] == "test" and out["topics"] == 3 and sum(ticks) == 3 and out["gold_mentions"] == 24
    assert set(out["coref"]) == set(SETTINGS)
    for setting in SETTINGS:
        assert set(out["coref"][setting]) == {"exact_match", "head_lemma", "sciwire"}
        for s in out["coref"][setting].values():
            assert 0 <= s["conll"] <= 1 and s["conll"] == pytest.approx((s["muc"] + s["b3"] + s["ceafe"]) / 3, abs=2e-4)
    # with gold mentions every system sees all 24, so B³ recall is defined on the same mentions
    assert out["coref"]["gold"]["sciwire"]["conll"] > 0.3
    cand, kept = out["mentions"]["candidates"], out["mentions"]["filtered"]
    assert kept["predicted"] <= cand["predicted"] and cand["gold"] == 24
    text = markdown_tables(out)
    assert text.startswith("CD²CR test: 3 topics, 24 gold mentions.") and "| predicted: filtered | sciwire |" in text
    # the filter off ('none'): filtered is every candidate
    off = evaluate_link(data, load_config(overrides=[f"paths.cache_dir={cache_dir}", "link.mention_model=none"],
                                          environ={}), split="test")  # fmt: skip
    assert off["mentions"]["filtered"] == off["mentions"]["candidates"] == cand
    assert off["models"]["link.mention_model"] == "none"


@pytest.mark.slow
def test_the_command_prints_json_and_names_a_missing_split(tmp_path, cache_dir):
    from sciwire.cli.main import app

    data = write_cdcr(tmp_path / "data", split="dev")
    env = {"SCIWIRE_CACHE": str(cache_dir)}
    res = CliRunner().invoke(app, ["evaluate", "link", "--data", str(data), "--json"], env=env)
    assert res.exit_code == 0, res.output
    printed = json.loads(res.stdout[res.stdout.index("{") :])
    assert printed["split"] == "dev" and printed["topics"] == 3
    with pytest.raises(InputError, match=r"test\.conll"):
        evaluate_link(data, load_config(environ={}), split="test")
    res = CliRunner().invoke(app, ["evaluate", "link", "--data", str(data), "--split", "test"], env=env)
    assert res.exit_code != 0
    assert [line for line in res.output.splitlines() if line.strip()][-1].startswith("Error:")
