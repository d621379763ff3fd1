"""Relation schemas: the relation types a user defines, each with a description and 1-5 examples.

A schema is a TOML file with one ``[[relation]]`` table per type::

    [[relation]]
    name = "treats"
    description = "A drug, therapy or intervention treats or relieves a condition."
    examples = [
        "[E1]Melatonin[/E1] shortened the time it took to fall asleep in adults with [E2]insomnia[/E2].",
    ]

Each example marks the two entities of the relation: ``[E1]...[/E1]`` is the head (the
subject of the relation), ``[E2]...[/E2]`` the tail; the relation reads E1 -> E2. Every
problem with the file is a one-line :class:`~sciwire.errors.SchemaError` that names the
file, the relation and the example.

Example:
    >>> schema = parse_schema('''
    ... [[relation]]
    ... name = "treats"
    ... description = "A drug treats a condition."
    ... examples = ["[E1]Aspirin[/E1] relieves [E2]headache[/E2]."]
    ... ''')
    >>> schema.relations[0].examples[0]
    Pair(text='Aspirin relieves headache.', head=(0, 7), tail=(17, 25))
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sciwire.errors import SchemaError
from sciwire.relations.encoder import Pair

#: The answer when no relation type fits.
NOTA = "none of these"
#: Examples per relation type.
MIN_EXAMPLES, MAX_EXAMPLES = 1, 5
_MARKER = re.compile(r"\[(/?)([A-Za-z][A-Za-z0-9_]*)\]")
_KNOWN = ("E1", "E2")
_HINT = "mark the two entities with [E1]...[/E1] and [E2]...[/E2] (docs/relations.md)"


@dataclass(frozen=True)
class RelationType:
    """One relation type: its name, description and examples (marked pairs)."""

    name: str
    description: str
    examples: tuple[Pair, ...]


@dataclass(frozen=True)
class RelationSchema:
    """The relation types of a schema file, in file order."""

    relations: tuple[RelationType, ...]
    source: str = "<text>"

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.relations]


def parse_example(text: str, where: str = "example") -> Pair:
    """A marked example as a :class:`Pair` (markers removed, offsets into the clean text).

    Raises:
        SchemaError: An unknown marker, a missing, repeated, unclosed or nested one, or an empty entity.
    """
    clean, pos = "", 0
    opened: dict[str, int] = {}
    spans: dict[str, tuple[int, int]] = {}
    for m in _MARKER.finditer(text):
        closing, name = m.group(1) == "/", m.group(2)
        if name not in _KNOWN:
            raise SchemaError(f"{where}: unknown entity marker '{m.group(0)}'; {_HINT}")
        clean += text[pos : m.start()]
        pos = m.end()
        if not closing:
            if name in opened or name in spans:
                raise SchemaError(f"{where}: '[{name}]' appears twice; {_HINT}")
            if opened:
                raise SchemaError(f"{where}: '[{name}]' opens inside another entity; {_HINT}")
            opened[name] = len(clean)
        else:
            if name not in opened:
                raise SchemaError(f"{where}: '[/{name}]' closes an entity that was not opened; {_HINT}")
            start = opened.pop(name)
            lead = len(clean[start:]) - len(clean[start:].lstrip())
            end = len(clean.rstrip()) if clean.endswith(" ") else len(clean)
            if end <= start + lead:
                raise SchemaError(f"{where}: the entity '[{name}]' is empty; {_HINT}")
            spans[name] = (start + lead, end)
    clean += text[pos:]
    missing = [n for n in _KNOWN if n not in spans]
    if opened or missing:
        what = f"'[{next(iter(opened))}]' is not closed" if opened else f"it lacks [{missing[0]}]...[/{missing[0]}]"
        raise SchemaError(f"{where}: {what}; {_HINT}")
    return Pair(clean, spans["E1"], spans["E2"])


def parse_schema(text: str, source: str = "<text>") -> RelationSchema:
    """The schema in TOML ``text`` (see the module docstring).

    Raises:
        SchemaError: Not TOML, no relations, a relation without a name or examples, a duplicate
            name, more than 5 examples, or a bad example.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError(f"{source}: not valid TOML ({exc}); see docs/relations.md for the schema format") from exc
    tables = data.get("relation")
    if not isinstance(tables, list) or not tables or not all(isinstance(t, dict) for t in tables):
        raise SchemaError(
            f"{source}: expected one or more [[relation]] tables with name, description and examples; "
            f"found top-level keys {sorted(data)}"
        )
    seen: dict[str, int] = {}
    relations = []
    for number, table in enumerate(tables, 1):
        name = str(table.get("name", "")).strip()
        if not name:
            raise SchemaError(f'{source}: relation {number} has no name; add name = "..." to its [[relation]] table')
        if name.lower() == NOTA:
            raise SchemaError(f"{source}: relation {number} may not be called {NOTA!r}; that is sciwire's answer "
                              "when no relation fits")  # fmt: skip
        if name in seen:
            raise SchemaError(f"{source}: relation {name!r} is defined twice (relations {seen[name]} and {number}); "
                              "relation names must be unique")  # fmt: skip
        seen[name] = number
        examples = table.get("examples", [])
        if isinstance(examples, str):
            examples = [examples]
        if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
            raise SchemaError(f"{source}: relation {name!r}: examples must be a list of strings, got {examples!r}")
        if len(examples) < MIN_EXAMPLES:
            raise SchemaError(f"{source}: relation {name!r} has no examples; give {MIN_EXAMPLES}-{MAX_EXAMPLES}, "
                              f"and {_HINT}")  # fmt: skip
        if len(examples) > MAX_EXAMPLES:
            raise SchemaError(f"{source}: relation {name!r} has {len(examples)} examples; give "
                              f"{MIN_EXAMPLES}-{MAX_EXAMPLES}")  # fmt: skip
        pairs = tuple(parse_example(e, f"{source}: relation {name!r}, example {k}") for k, e in enumerate(examples, 1))
        relations.append(RelationType(name, str(table.get("description", "")).strip(), pairs))
    return RelationSchema(tuple(relations), source)


def load_schema(path: str | os.PathLike[str]) -> RelationSchema:
    """The schema in the TOML file ``path``.

    Raises:
        SchemaError: The file cannot be read or is not a valid schema (see :func:`parse_schema`).
    """
    p = Path(path).expanduser()
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaError(f"Cannot read the relation schema {p}: {exc}") from exc
    return parse_schema(text, str(p))
