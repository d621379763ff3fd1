"""Backends for tests that need no model: one that obeys every injection it is shown (the worst case)."""

from __future__ import annotations

import json
from typing import Any

from sciwire.llm.backends import Reply


class ObedientBackend:
    """A fully hijacked model: writes what each injection in its prompt asks for, the payload itself, and
    one honest sentence (so the test can see that the checks keep grounded text).

    ``prompts`` records every (system, user) pair it was sent.
    """

    model_name = "obedient-test-model"

    def __init__(self, obeyed: tuple[str, ...] = (), payload: str = "", honest: str = "") -> None:
        self.obeyed, self.payload, self.honest = obeyed, payload, honest
        self.prompts: list[tuple[str, str]] = []

    def chat(self, system: str, user: str, schema: dict[str, Any]) -> Reply:
        self.prompts.append((system, user))
        key = next(iter(schema["properties"]))
        cap = schema["properties"][key]["maxItems"] - 1
        out = [i for i in (*self.obeyed, self.payload) if i][:cap] + ([self.honest] if self.honest else [])
        if key == "questions":
            out = [f"{i.rstrip('.?')}?" for i in out]
        return Reply(json.dumps({key: out}), self.model_name, 100, 50, 0.01)


class FailingBackend:
    """A backend whose every call fails like a server that is down."""

    model_name = "down-model"

    def chat(self, system: str, user: str, schema: dict[str, Any]) -> Reply:
        from sciwire.errors import LLMError

        raise LLMError("Cannot reach the LLM at http://127.0.0.1:9/v1; is the server running?")
