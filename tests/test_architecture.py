"""The layer table of docs/architecture.md holds: no import points up it, no part imports another in a circle.

The import graph is read with ``ast`` from every module under ``src/sciwire/`` (imports under
``TYPE_CHECKING`` and inside functions count too), and the worked example of the document runs.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "sciwire"
DOC = ROOT / "docs" / "architecture.md"


def layer_table() -> dict[str, int]:
    """``{part: floor}`` from the table between the ``layers`` markers."""
    block = re.search(r"<!-- BEGIN layers -->(.*?)<!-- END layers -->", DOC.read_text("utf-8"), re.S)
    assert block, "docs/architecture.md must hold the layer table between <!-- BEGIN/END layers -->"
    floors: dict[str, int] = {}
    for row in block.group(1).splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].isdigit():
            for part in re.findall(r"`([\w_]+)`", cells[2]):
                assert part not in floors, f"{part} is on two floors of the layer table"
                floors[part] = int(cells[0])
    return floors


def part_of(module: str) -> str:
    """``sciwire.fidelity.step`` -> ``fidelity``; ``sciwire`` -> ``__init__``."""
    parts = module.split(".")
    assert parts[0] == "sciwire", module
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    names = list(rel.parts)
    if names[-1] == "__init__":
        names.pop()
    return ".".join(names)


def imports_of(path: Path) -> set[str]:
    """Every sciwire module ``path`` imports."""
    return imports_in(path.read_text("utf-8"), module_name(path), path.name == "__init__.py")


def imports_in(text: str, here: str, is_package: bool = False) -> set[str]:
    """Every sciwire module the code ``text`` of module ``here`` imports, resolved (relative ones too)."""
    package = here if is_package else here.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # "from sciwire import analysis" imports the part, not the package's public names
            if target == "sciwire":
                found.update(f"sciwire.{alias.name}" for alias in node.names if (SRC / alias.name).exists()
                             or (SRC / f"{alias.name}.py").exists())  # fmt: skip
    return {m for m in found if m == "sciwire" or m.startswith("sciwire.")}


def graph() -> dict[str, dict[str, set[str]]]:
    """``{part: {imported part: {importing files}}}`` over every module of the package."""
    edges: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in sorted(SRC.rglob("*.py")):
        source = part_of(module_name(path))
        for target in imports_of(path):
            dest = part_of(target)
            if target == "sciwire" and source != "__init__":
                dest = "__init__"
            if dest != source:
                edges[source][dest].add(str(path.relative_to(ROOT)))
    return edges


def test_every_part_of_the_package_is_on_a_floor():
    floors = layer_table()
    parts = {p.stem if p.is_file() else p.name for p in SRC.iterdir()
             if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))}  # fmt: skip
    missing = sorted(parts - set(floors))
    assert not missing, f"add {missing} to the layer table in docs/architecture.md"
    assert not set(floors) - parts, f"the layer table names parts that do not exist: {set(floors) - parts}"


def test_no_import_points_up_the_layer_table():
    floors = layer_table()
    upward = [
        f"{file}: {source} (floor {floors[source]}) imports {dest} (floor {floors[dest]})"
        for source, targets in graph().items()
        for dest, files in targets.items()
        for file in sorted(files)
        if floors[dest] > floors[source]
    ]
    assert not upward, "imports that point up docs/architecture.md's layer table:\n" + "\n".join(upward)


def test_no_two_parts_import_each_other_in_a_circle():
    edges = {source: set(targets) for source, targets in graph().items()}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])


def test_the_checker_sees_type_checking_and_function_imports():
    """The rules are only as good as the import reader: it must see every kind of import."""
    text = (
        "from typing import TYPE_CHECKING\n"
        "import sciwire.backends.embeddings\n"
        "if TYPE_CHECKING:\n    from sciwire.pipeline import Analyzer\n"
        "def f():\n    from ..cli import main\n    from . import model\n"
        "from sciwire import report\n"
    )
    found = imports_in(text, "sciwire.fidelity.step")
    assert found == {
        "sciwire.backends.embeddings",
        "sciwire.pipeline",
        "sciwire.cli",
        "sciwire.fidelity",
        "sciwire",
        "sciwire.report",
    }
    assert part_of("sciwire.fidelity.step") == "fidelity" and part_of("sciwire") == "__init__"


@pytest.mark.slow
def test_the_worked_example_of_the_architecture_doc_runs(cache_dir, monkeypatch):
    monkeypatch.setenv("SCIWIRE_CACHE", str(cache_dir))
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text("utf-8"), re.S)
    namespace: dict[str, object] = {}
    exec(compile(blocks[1], "architecture.md#step", "exec"), namespace)  # the step
    exec(compile(blocks[2], "architecture.md#run", "exec"), namespace)  # an analysis with it
    analysis = namespace["analysis"]
    summary = namespace["hedge_summary"](analysis)
    assert set(summary) == {"story-faithful", "story-overstated"}
    assert summary["story-faithful"] >= 1, "the faithful story hedges ('may', 'suggest')"
    assert [s.name for s in analysis.steps] == ["discourse", "hedges"]


CAPABILITIES = ("discourse", "fidelity", "keyphrases", "linking", "newsworthiness", "qa")
SHAPE = ("api.py", "step.py", "report.py", "model.py", "train.py", "evaluate.py")


@pytest.mark.parametrize("capability", CAPABILITIES)
def test_every_capability_has_the_same_shape(capability):
    missing = [name for name in SHAPE if not (SRC / capability / name).is_file()]
    assert not missing, f"sciwire/{capability} lacks {missing} (docs/architecture.md: one shape per capability)"
    assert f"`{capability}`" in DOC.read_text("utf-8")
