"""The relations capability has the shape every capability has (docs/architecture.md)."""

from __future__ import annotations

from pathlib import Path

import sciwire.relations

SHAPE = ("api.py", "step.py", "report.py", "model.py", "train.py", "evaluate.py", "data.py")


def test_relations_has_the_capability_shape_and_a_floor():
    folder = Path(sciwire.relations.__file__).parent
    assert [name for name in SHAPE if not (folder / name).is_file()] == []
    doc = (folder.parents[2] / "docs" / "architecture.md").read_text("utf-8")
    assert "`relations`" in doc


def test_the_step_writes_the_relations_layer_and_reads_sentences():
    from sciwire.relations.step import RelationStep

    step = RelationStep()
    assert (step.name, step.reads, step.writes) == ("relations", ("sentences",), ("relations",))
