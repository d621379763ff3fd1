"""Model folders: where a fitted model lives, and reading its files with one clear error.

A model folder holds the weights (JSON or safetensors), ``MODEL_CARD.md`` and
``receipt.json``. A setting names one: ``"default"`` is the folder shipped under
``sciwire/models/``, anything else is a path. Every reader here raises
:class:`~sciwire.errors.ModelLoadError` with a one-line message naming the folder, the file
that is missing or damaged and what to do about it.

Example:
    >>> resolve_model_folder("default", "discourse_coresc").name
    'discourse_coresc'
    >>> retrain_hint("sciwire train align", "align.model")
    'retrain with `sciwire train align` or point align.model at a folder made by it'
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from sciwire.errors import ModelLoadError

T = TypeVar("T")
#: Models loaded by :func:`load_once`: (kind, folder, version of its file) -> the model.
_LOADED: dict[tuple[Hashable, str, int], Any] = {}
_MAX_LOADED = 32

DEFAULT = "default"
CARD = "MODEL_CARD.md"
RECEIPT = "receipt.json"
WEIGHTS = "weights.json"


def bundled_models_dir() -> Path:
    """The folder of the models that ship with sciwire (``sciwire/models``)."""
    return Path(__file__).resolve().parent.parent / "models"


def retrain_hint(command: str, setting: str) -> str:
    """What to do about a bad model folder: ``retrain with `COMMAND` or point SETTING at a folder made by it``."""
    return f"retrain with `{command}` or point {setting} at a folder made by it"


def resolve_model_folder(spec: str | os.PathLike[str], default_name: str, *, hint: str = "") -> Path:
    """The folder a model setting names: the shipped ``default_name`` for ``"default"``, else the path.

    Args:
        spec: ``"default"`` or a folder path (``~`` is expanded).
        default_name: The shipped folder under ``sciwire/models/``.
        hint: What to do when the folder is missing (see :func:`retrain_hint`).

    Raises:
        ModelLoadError: When the folder does not exist.
    """
    text = str(spec).strip()
    if not text:
        raise ModelLoadError(f"A model setting is empty; expected 'default' or a model folder{_then(hint)}")
    folder = bundled_models_dir() / default_name if text == DEFAULT else Path(text).expanduser()
    if not folder.is_dir():
        what = f"the shipped model folder {default_name}" if text == DEFAULT else "the model folder"
        raise ModelLoadError(f"Cannot load {what}: {folder} does not exist or is not a folder{_then(hint)}")
    return folder


def _then(hint: str) -> str:
    return f"; {hint}" if hint else ""


def model_file(folder: str | os.PathLike[str], name: str, *, hint: str = "") -> Path:
    """The path of ``name`` in ``folder``.

    Raises:
        ModelLoadError: When the folder or the file is missing.
    """
    path = Path(folder) / name
    if not Path(folder).is_dir():
        raise ModelLoadError(f"Cannot load the model in {folder}: the folder does not exist{_then(hint)}")
    if not path.is_file():
        raise ModelLoadError(f"Cannot load the model in {folder}: {name} is missing{_then(hint)}")
    return path


def require_keys(
    folder: str | os.PathLike[str], name: str, found: Iterable[str], keys: Iterable[str], hint: str = ""
) -> None:
    """Raise a one-line :class:`ModelLoadError` when ``found`` (the keys read from ``name``) lacks any of ``keys``."""
    missing = [k for k in keys if k not in set(found)]
    if missing:
        raise ModelLoadError(
            f"Cannot load the model in {folder}: {name} lacks {', '.join(map(repr, missing))}{_then(hint)}"
        )


def _no_constant(name: str) -> float:
    """``NaN`` and ``Infinity`` are not JSON numbers: a model file holding them is damaged."""
    raise ValueError(f"it holds {name}, which is not a finite number")


def read_json(folder: str | os.PathLike[str], name: str, *, keys: Iterable[str] = (), hint: str = "") -> dict[str, Any]:
    """The JSON object in ``folder/name``, checked to hold ``keys``.

    Raises:
        ModelLoadError: When the file is missing, is not a JSON object, or lacks a key.
    """
    path = model_file(folder, name, hint=hint)
    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelLoadError(
            f"Cannot load the model in {folder}: {name} is not valid JSON ({detail}){_then(hint)}"
        ) from exc
    if not isinstance(data, dict):
        raise ModelLoadError(
            f"Cannot load the model in {folder}: {name} holds a {type(data).__name__}, expected a JSON object"
            f"{_then(hint)}"
        )
    require_keys(folder, name, data, keys, hint)
    return data


def read_safetensors(
    folder: str | os.PathLike[str],
    name: str,
    *,
    keys: Iterable[str] = (),
    sha256: str | None = None,
    hint: str = "",
) -> dict[str, np.ndarray]:
    """The arrays in the safetensors file ``folder/name`` (numpy; no pickle).

    Args:
        folder: The model folder.
        name: The file name.
        keys: Tensor names that must be present.
        sha256: When given, the file's hash must match (a guard against edited weights).
        hint: What to do when the file is bad.

    Raises:
        ModelLoadError: When the file is missing, truncated, not safetensors, altered, or lacks a key.
    """
    from safetensors import SafetensorError
    from safetensors.numpy import load

    path = model_file(folder, name, hint=hint)
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise ModelLoadError(f"Cannot load the model in {folder}: {name} cannot be read ({exc}){_then(hint)}") from exc
    if sha256 is not None and hashlib.sha256(blob).hexdigest() != sha256:
        raise ModelLoadError(
            f"Cannot load the model in {folder}: {name} does not match its recorded sha256 (the file was altered)"
            f"{_then(hint)}"
        )
    try:
        arrays = load(blob)
    except (SafetensorError, ValueError, TypeError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelLoadError(
            f"Cannot load the model in {folder}: {name} is truncated or not a safetensors file ({detail}){_then(hint)}"
        ) from exc
    require_keys(folder, name, arrays, keys, hint)
    return arrays


def write_model_folder(folder: str | os.PathLike[str], weights: dict[str, Any], receipt: Any, card: Any) -> Path:
    """Write a model folder: ``weights.json`` from ``weights``, then ``receipt.json`` and ``MODEL_CARD.md``.

    ``receipt`` and ``card`` are a :class:`~sciwire.fitting.receipts.Receipt` and a
    :class:`~sciwire.fitting.receipts.ModelCard` (anything with ``write(folder)``).
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / WEIGHTS).write_text(json.dumps(weights, indent=2) + "\n", encoding="utf-8")
    receipt.write(out)
    card.write(out)
    return out


def load_once(kind: Hashable, folder: Path, name: str, load: Callable[[], T]) -> T:
    """``load()`` once per ``kind``, ``folder`` and version of ``folder/name``.

    The same object is returned while the file is unchanged (callers must not modify it); a
    changed file (new modification time) is loaded again. A ``load`` that raises caches
    nothing. At most 32 models are kept.
    """
    path = folder / name
    key = (kind, str(folder), path.stat().st_mtime_ns if path.is_file() else 0)
    if key not in _LOADED:
        value = load()
        if len(_LOADED) >= _MAX_LOADED:
            _LOADED.clear()
        _LOADED[key] = value
    return _LOADED[key]
