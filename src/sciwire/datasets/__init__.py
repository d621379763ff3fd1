"""Loaders for the research data sets under the data folder (``paths.data_dir`` / ``SCIWIRE_DATA``).

The data never ships with sciwire; these functions read it by path and raise
:class:`~sciwire.errors.InputError` naming the missing file when it is absent.
"""

from sciwire.datasets.base import data_path

__all__ = ["data_path"]
