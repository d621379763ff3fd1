"""``serve``: the library function behind ``sciwire serve`` (uvicorn on the configured address).

Example:
    >>> from sciwire.config import load_config
    >>> serve(load_config(), port=8000)            # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os

from sciwire.config import Config
from sciwire.errors import MissingDependencyError
from sciwire.serve.keys import append_key
from sciwire.serve.settings import ServeSettings

logger = logging.getLogger(__name__)


def serve(
    config: Config,
    *,
    host: str | None = None,
    port: int | None = None,
    store: str | None = None,
    keys: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> None:
    """Run the web service until interrupted.

    Args:
        config: Settings; ``[serve]`` gives the defaults of the other arguments.
        host: Address to listen on (a non-loopback one needs API keys).
        port: Port.
        store: The corpus store: a file or ``postgresql://...``.
        keys: The API keys file.
        data_dir: Job table, uploads and reports.

    Raises:
        ConfigError: On a bad keys file, or a non-loopback host without keys (before anything listens).
        MissingDependencyError: Without the ``serve`` extra.
    """
    settings = ServeSettings.from_config(config, host=host, port=port, store=store, keys=keys, data_dir=data_dir)
    try:
        import uvicorn
    except ImportError as exc:
        raise MissingDependencyError("uvicorn", "sciwire serve", "serve") from exc
    from sciwire.serve.app import create_app

    app = create_app(settings)
    access = "open access (no keys; loopback only)" if settings.open_access else f"{len(settings.keys)} API keys"
    where = (settings.base_url, access, settings.store, settings.data_dir)
    logger.warning("sciwire serve on %s with %s; store %s; data in %s", *where)
    # log_config=None: uvicorn leaves logging to the caller (the CLI sets it up); no websockets, no access log
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        log_config=None,
        server_header=False,
        ws="none",
        access_log=False,
    )


def new_key(keys_file: str | os.PathLike[str], spec: str) -> str:
    """Add a key ``NAME:ROLE`` to the keys file; the key (shown once; only its hash is kept).

    Raises:
        ConfigError: When ``spec`` is not NAME:ROLE with a known role, or the file is invalid.
    """
    from sciwire.errors import ConfigError
    from sciwire.serve.keys import ROLES

    name, sep, role = spec.rpartition(":")
    if not sep or role not in ROLES:
        raise ConfigError(f"--new-key wants NAME:ROLE with ROLE one of {', '.join(ROLES)}, got {spec!r}")
    return append_key(keys_file, name, role)
