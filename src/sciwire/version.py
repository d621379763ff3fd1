"""sciwire's version, in a module of its own so every layer can read it without importing the package top."""

__version__ = "0.1.0"
