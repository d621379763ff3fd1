"""Thin adapters to third-party backends (spaCy, sentence-transformers, devices).

Each module imports its heavy dependency lazily, so ``import sciwire`` stays cheap.
"""
