"""The task database: tasks, records, labels with who/when, undo, and bad input that loses nothing."""

from __future__ import annotations

import pytest

from sciwire.errors import InputError
from sciwire.learn import api
from sciwire.learn.task import Record, TaskDB, task_db_path


def test_labels_keep_who_when_and_undo_keeps_history(tmp_path):
    db = TaskDB(tmp_path / "t.sqlite")
    db.create_task("topic", ["a", "b"], descriptions={"a": "the first"})
    db.add_records("topic", [Record("r1", "one", "p1"), Record("r2", "two", "p2")])
    assert db.add_labels("topic", [("r1", "a")], who="ana") == 1
    assert db.add_labels("topic", [("r1", "b"), ("r2", "b")], who="ben", via="file") == 2
    task = db.load_task("topic")
    assert task.labellings["r1"].labels == ("b",) and task.labellings["r1"].who == "ben"
    assert task.labellings["r1"].receipt["via"] == "file" and task.labellings["r1"].at
    assert task.description("a") == "the first" and task.description("b") == "b"
    assert db.undo_last("topic") == 2
    task = db.load_task("topic")
    assert task.labellings["r1"].labels == ("a",) and "r2" not in task.labellings
    assert [(h["record_id"], h["label"], h["undone"]) for h in db.history("topic")] == [
        ("r1", "a", 0), ("r1", "b", 1), ("r2", "b", 1)
    ]  # fmt: skip
    db.undo_last("topic")
    with pytest.raises(InputError, match=r"^Task 'topic' has no labels to undo$"):
        db.undo_last("topic")


def test_multi_label_records_carry_several_labels(tmp_path):
    db = TaskDB(tmp_path / "t.sqlite")
    db.create_task("tags", ["x", "y", "z"], multi_label=True)
    db.add_records("tags", [Record("r1", "one", "p1")])
    db.add_labels("tags", [("r1", ["x", "z"])], who="ana")
    assert db.load_task("tags").labelled_sets()[1] == [("x", "z")]


def test_bad_labels_are_one_line_errors_and_nothing_is_lost(climate, config, tmp_path):
    before = api.load_task("climate", config).labellings
    bad = tmp_path / "bad.csv"
    bad.write_text("id,label\np10:0,adaptation\np01:0,weather\n")
    with pytest.raises(InputError, match=r"^Unknown label 'weather' for record 'p01:0'; task 'climate' has labels "
                                         r"adaptation, mitigation, other; nothing was labelled$"):  # fmt: skip
        api.label_records("climate", config, file=bad)
    bad.write_text("id,label\np10:0,adaptation\np99:7,other\n")
    with pytest.raises(InputError, match=r"^Label 2 names record 'p99:7', which task 'climate' does not have; "
                                         r"nothing was labelled \(check the ids in the records file\)$"):  # fmt: skip
        api.label_records("climate", config, file=bad)
    with pytest.raises(InputError, match="got 2 labels but task 'climate' is single-label"):
        api.label_records("climate", config, record="p10:0", label="adaptation|other")
    assert api.load_task("climate", config).labellings == before


def test_task_names_labels_and_units_are_checked(config):
    api.new_task("t1", ["a", "b"], config)
    with pytest.raises(InputError, match=r"^A task named 't1' exists already"):
        api.new_task("t1", ["a", "b"], config)
    with pytest.raises(InputError, match="at least 2 distinct labels"):
        api.new_task("t2", ["a", "a"], config)
    with pytest.raises(InputError, match="unit must be one of sentence, paragraph, document"):
        api.new_task("t3", ["a", "b"], config, unit="word")
    with pytest.raises(InputError, match=r"^No task named 'nope' \(tasks: t1\)"):
        api.load_task("nope", config)
    assert [t["name"] for t in api.list_tasks(config)] == ["t1"]


def test_the_task_database_lives_beside_the_store_unless_set(config):
    from dataclasses import replace

    plain = replace(config, learn=replace(config.learn, db=""))
    assert task_db_path(plain).endswith("learn.sqlite")
    assert task_db_path(plain).rsplit("/", 1)[0] == config.paths.store.rsplit("/", 1)[0]
