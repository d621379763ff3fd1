"""The ``sciwire`` command line: thin wrappers around library functions."""
