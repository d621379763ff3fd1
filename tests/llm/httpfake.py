"""Fake OpenAI-compatible answers for the LLM backend tests, served by :func:`tests.httpfake.serve`."""

from __future__ import annotations

import json

from tests.httpfake import serve

__all__ = ["completion", "serve"]


def completion(content: str | None, refusal: str | None = None, finish: str = "stop") -> bytes:
    """An OpenAI chat completion body."""
    message = {"role": "assistant", "content": content, "refusal": refusal}
    return json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": "fake",
                       "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                       "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}}).encode()  # fmt: skip
