"""One hierarchy for every error sciwire raises on purpose.

Every class inherits :class:`SciwireError` *and* the builtin that matches its meaning, so
callers can catch either. Messages say what was expected, what came in and what to try.
"""

from __future__ import annotations


class SciwireError(Exception):
    """Root of every error raised deliberately by sciwire."""


class InputError(SciwireError, ValueError):
    """An input file or text cannot be used (missing, empty, binary, corrupt, too big...)."""


class UnsupportedLanguageError(InputError):
    """The text does not look like English, which is all sciwire's models handle."""


class DocumentError(SciwireError, ValueError):
    """A Document is inconsistent (offsets outside the text, unknown kind, bad JSON...)."""


class ConfigError(SciwireError, ValueError):
    """A configuration file, value or override is invalid."""


class MissingDependencyError(SciwireError, ImportError):
    """An optional package is needed for this feature but is not installed."""

    def __init__(self, package: str, feature: str, extra: str | None = None) -> None:
        hint = f'pip install "sciwire[{extra}]"' if extra else f"pip install {package}"
        super().__init__(f"{feature} needs the package '{package}', which is not installed. Try: {hint}")
        self.package = package


class ModelLoadError(SciwireError, RuntimeError):
    """A model (spaCy pipeline, sentence encoder...) could not be loaded."""


class OutputError(SciwireError, OSError):
    """An output file or folder cannot be written."""


class LLMError(SciwireError, RuntimeError):
    """An LLM backend failed: unreachable, timed out, refused, or answered with output that is not the JSON asked for.

    The analysis goes on without the LLM part; the message is one line.
    """


class IllustrationError(SciwireError, RuntimeError):
    """The Stable Diffusion WebUI could not make an illustration (unreachable, 401, malformed answer, no image)."""


class AccessError(SciwireError, PermissionError):
    """A request to ``sciwire serve`` lacks a valid API key or the role its action needs."""


class SchemaError(InputError):
    """A relation schema file (``sciwire relations --schema``) is not valid TOML or breaks its rules."""


class NotFoundError(InputError):
    """A named thing (a stored document, a job, a job's file) does not exist; ``sciwire serve`` answers 404."""


class UnsupportedTypeError(InputError):
    """An uploaded file's type is not one the action takes; ``sciwire serve`` answers 415."""


class ExecutorError(SciwireError, RuntimeError):
    """Batch work on Ray (``--executor ray``) failed: the cluster cannot be reached, or a worker died."""


class FederatedError(SciwireError, RuntimeError):
    """Federated training (Flower) could not run or ended without a model."""
