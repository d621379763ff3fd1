"""Steps by name: the steps shipped with sciwire, and third-party steps from the ``sciwire.steps`` entry points.

A step is found by the name used in ``[pipeline] steps`` or ``sciwire analyze --steps``. The
built-in steps are listed here by import path (like spaCy's factories or Haystack's component
paths), so the pipeline never imports a capability until a step is asked for. A package adds
its own step by declaring an entry point::

    [project.entry-points."sciwire.steps"]
    word_count = "my_package.steps:WordCount"

The object an entry point names is called with no arguments and must return a
:class:`~sciwire.analysis.Step` whose ``name`` is the entry point's name.

Example:
    >>> "fidelity" in available_steps()
    True
    >>> make_step("fidelty")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sciwire.errors.ConfigError: Unknown step 'fidelty' in pipeline.steps; known steps: answers, discourse, ...
"""

from __future__ import annotations

import importlib
import logging
from importlib.metadata import entry_points
from typing import Any

from sciwire.analysis import Step
from sciwire.errors import ConfigError

logger = logging.getLogger(__name__)

#: The entry-point group third-party packages register steps in.
ENTRY_POINT_GROUP = "sciwire.steps"
#: The steps shipped with sciwire: name -> "module:attribute".
BUILTIN_STEPS: dict[str, str] = {
    "discourse": "sciwire.discourse.step:DiscourseStep",
    "fidelity": "sciwire.fidelity.step:FidelityStep",
    "keyphrases": "sciwire.keyphrases.step:KeyphraseStep",
    "newsworthiness": "sciwire.newsworthiness.step:NewsworthinessStep",
    "linking": "sciwire.linking.step:LinkingStep",
    "answers": "sciwire.qa.step:QuestionStep",
    "terms": "sciwire.terms.step:TermStep",
    "relations": "sciwire.relations.step:RelationStep",
    "incoref": "sciwire.linking.incoref.step:CorefStep",
}


def available_steps() -> dict[str, str]:
    """Every step name with where it comes from ("module:attribute"), built-ins first.

    A third-party entry point that reuses a built-in name is ignored, with a warning.
    """
    steps = dict(BUILTIN_STEPS)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in BUILTIN_STEPS:
            logger.warning("Ignoring the %s entry point %r (%s): a built-in step has that name", ENTRY_POINT_GROUP,
                           ep.name, ep.value)  # fmt: skip
            continue
        steps.setdefault(ep.name, ep.value)
    return steps


def _load(target: str, name: str) -> Any:
    module_name, _, attribute = target.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in attribute.split(".") if attribute else ():
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"Step {name!r} points at {target!r}, which cannot be imported: {exc}") from exc
    return obj


def make_step(name: str) -> Step:
    """A new step object for ``name``.

    Raises:
        ConfigError: When no step has that name, its code cannot be imported, or what it
            makes is not a step called ``name``.
    """
    steps = available_steps()
    if name not in steps:
        raise ConfigError(f"Unknown step {name!r} in pipeline.steps; known steps: {', '.join(sorted(steps))}")
    factory = _load(steps[name], name)
    if not callable(factory):
        raise ConfigError(f"Step {name!r} points at {steps[name]!r}, which is not a class or a function")
    step = factory()
    if not isinstance(step, Step):
        raise ConfigError(
            f"Step {name!r} ({steps[name]}) made a {type(step).__name__}, which is not a step: a step has "
            "name, reads, optional_reads, writes, check_inputs, warm_up, run, report_parts and model_folders "
            "(subclass sciwire.analysis.BaseStep)"
        )
    if step.name != name:
        raise ConfigError(f"Step {name!r} ({steps[name]}) calls itself {step.name!r}; the two names must match")
    return step
