"""The FewRel protocol on tiny made-up FewRel files: the shared sets and a file of another domain."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sciwire.relations.evaluate import FewRelSettings, evaluate_fewrel, fit_sets

VERBS = ("married", "founded", "painted", "coached", "cured", "measured", "sold", "built")
NAMES = ("Ann", "Bob", "Carl", "Dora", "Emil", "Fay", "Gus")


def _write_set(folder, prefix: str, offset: int) -> None:
    data = {}
    for r in range(6):
        verb = VERBS[(r + offset) % len(VERBS)]
        data[f"{prefix}{r}"] = [
            {"tokens": [NAMES[i], verb, NAMES[(i + 1) % len(NAMES)], "in", "town", "."],
             "h": [NAMES[i].lower(), "Q1", [[0]]], "t": [NAMES[(i + 1) % len(NAMES)].lower(), "Q2", [[2]]]}
            for i in range(6)
        ]  # fmt: skip
    (folder / f"{prefix}.json").write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture(scope="module")
def fewrel_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("fewrel-data")
    (root / "fewrel").mkdir()
    for k, name in enumerate(("val_wiki", "val_semeval", "val_nyt", "val_other")):
        _write_set(root / "fewrel", name, k)
    return root


TINY = {"ways": (5,), "shots": (1,), "nota_rates": (0.5,), "episodes": 20, "rank": 2, "train_episodes": 10}


@pytest.mark.slow
def test_a_file_of_another_domain_is_scored_with_parts_fitted_on_the_shared_sets(fewrel_dir, cache_dir):
    assert fit_sets("val_other") == ("val_wiki", "val_semeval", "val_nyt")
    out = evaluate_fewrel(fewrel_dir, FewRelSettings(sets=("val_other",), **TINY), cache_dir)
    assert {r["set"] for r in out["rows"]} == {"val_other"}
    assert {r["method"] for r in out["rows"]} >= {"lexical", "prototypes", "projection"}
    assert all(0 <= r["accuracy"] <= 1 and r["episodes"] == 20 for r in out["rows"])
    assert set(out["fitted"]) == {"val_other"}


@pytest.mark.slow
def test_the_command_takes_sets_and_refuses_an_empty_list(fewrel_dir, cache_dir):
    from sciwire.cli.main import app

    env = {"SCIWIRE_CACHE": str(cache_dir)}
    args = ["evaluate", "relations", "--data", str(fewrel_dir), "--sets", "val_other", "--episodes", "10", "--json"]
    res = CliRunner().invoke(app, args, env=env)
    assert res.exit_code == 0, res.output
    printed = json.loads(res.stdout[res.stdout.index("{") :])
    assert {r["set"] for r in printed["rows"]} == {"val_other"} and printed["settings"]["sets"] == ["val_other"]
    # 6 relations: 10-way episodes cannot be made; they are listed, not a crash
    assert {r["n_way"] for r in printed["rows"]} == {5}
    assert {(r["n_way"], r["nota_rate"]) for r in printed["skipped"]} == {(10, 0.0), (10, 0.15), (10, 0.5)}
    assert printed["skipped"][0]["why"] == "10-way episodes need 10 relations with at least 2 examples; there are 6"
    res = CliRunner().invoke(app, args[:-1], env=env)
    assert "val_other 10-way 5-shot NOTA 0.5: left out (10-way episodes with" in res.output
    res = CliRunner().invoke(app, ["evaluate", "relations", "--data", str(fewrel_dir), "--sets", " , "], env=env)
    assert res.exit_code != 0 and "--sets must name at least one FewRel file" in res.output
    res = CliRunner().invoke(app, ["evaluate", "relations", "--data", str(fewrel_dir), "--sets", "val_pubmed"], env=env)
    assert res.exit_code != 0 and "val_pubmed.json" in res.output
