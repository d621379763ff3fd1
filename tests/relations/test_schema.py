"""Relation schemas: the bundled example, and one-line errors for bad files."""

from __future__ import annotations

import pytest

from sciwire.errors import InputError, SchemaError
from sciwire.examples import EXAMPLES_DIR
from sciwire.relations.schema import MAX_EXAMPLES, load_schema, parse_example, parse_schema

GOOD = """
[[relation]]
name = "treats"
description = "A drug treats a condition."
examples = ["[E1]Aspirin[/E1] relieves [E2]headache[/E2]."]
"""


def test_the_bundled_schema_loads_with_1_to_5_examples_per_type():
    schema = load_schema(EXAMPLES_DIR / "relations.toml")
    assert schema.names == ["improves", "reduces", "measured with", "studied in"]
    assert all(1 <= len(r.examples) <= MAX_EXAMPLES and r.description for r in schema.relations)
    pair = schema.relations[2].examples[0]
    assert pair.text[slice(*pair.head)] == "Sleep" and pair.text[slice(*pair.tail)] == "telemetric EEG"


def test_markers_are_removed_and_offsets_point_at_the_entities():
    pair = parse_example("We gave [E2]mice[/E2] the [E1]drug[/E1].")
    assert pair.text == "We gave mice the drug."
    assert pair.text[slice(*pair.head)] == "drug" and pair.text[slice(*pair.tail)] == "mice"


def _write(tmp_path, text):
    path = tmp_path / "relations.toml"
    path.write_text(text, encoding="utf-8")
    return path


BAD = [
    (GOOD.replace("[E2]headache[/E2]", "[E3]headache[/E3]"),
     r"relation 'treats', example 1: unknown entity marker '\[E3\]'; mark the two entities with \[E1\]"),
    (GOOD.replace('examples = ["[E1]Aspirin[/E1] relieves [E2]headache[/E2]."]', "examples = []"),
     r"relation 'treats' has no examples; give 1-5"),
    (GOOD.replace('examples = ["[E1]Aspirin[/E1] relieves [E2]headache[/E2]."]', ""),
     r"relation 'treats' has no examples"),
    (GOOD + GOOD, r"relation 'treats' is defined twice \(relations 1 and 2\); relation names must be unique"),
    (GOOD.replace("[[relation]]", "[[relation]"), r"relations.toml: not valid TOML \("),
    (GOOD.replace("[E2]headache[/E2]", "headache"), r"example 1: it lacks \[E2\]...\[/E2\]"),
    (GOOD.replace("[/E1]", ""), r"example 1: '\[E2\]' opens inside another entity"),
    (GOOD.replace('name = "treats"', 'name = "None of these"'), r"may not be called 'none of these'"),
    ('title = "x"', r"expected one or more \[\[relation\]\] tables with name, description and examples"),
    (GOOD.replace('examples = ["[E1]Aspirin[/E1] relieves [E2]headache[/E2]."]',
                  "examples = [" + ", ".join(['"[E1]a[/E1] b [E2]c[/E2]"'] * 6) + "]"),
     r"relation 'treats' has 6 examples; give 1-5"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_schema_files_get_one_line_errors(tmp_path, text, message):
    with pytest.raises(SchemaError, match=message) as caught:
        load_schema(_write(tmp_path, text))
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, InputError)


def test_a_missing_schema_file_is_a_schema_error(tmp_path):
    with pytest.raises(SchemaError, match=r"Cannot read the relation schema .*nope.toml"):
        load_schema(tmp_path / "nope.toml")


def test_parse_schema_keeps_descriptions_and_order():
    schema = parse_schema(GOOD + GOOD.replace("treats", "causes"))
    assert schema.names == ["treats", "causes"]
    assert schema.relations[0].description == "A drug treats a condition."
