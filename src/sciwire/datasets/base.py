"""Finding data files under the configured data folder."""

from __future__ import annotations

import os
from pathlib import Path

from sciwire.errors import InputError


def data_path(data_dir: str | os.PathLike[str], *parts: str) -> Path:
    """``data_dir/parts...``, or an InputError that says how to point sciwire at the data.

    Raises:
        InputError: The file or folder does not exist.
    """
    path = Path(data_dir).expanduser().joinpath(*parts)
    if not path.exists():
        raise InputError(
            f"Data file {path} not found. Set SCIWIRE_DATA (or paths.data_dir) to the folder that holds "
            "the research data sets, e.g. SCIWIRE_DATA=../shared/data"
        )
    return path
