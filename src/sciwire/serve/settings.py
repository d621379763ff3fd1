"""What one running service needs: the resolved config, the keys, the store, its data folder.

Example:
    >>> from sciwire.config import load_config
    >>> settings = ServeSettings.from_config(load_config(), data_dir="/tmp/sciwire-serve-doc")
    >>> settings.open_access, settings.base_url
    (True, 'http://127.0.0.1:8000')
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path

from sciwire.config import Config
from sciwire.errors import ConfigError, OutputError
from sciwire.serve.keys import KeyRing


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sciwire" / "serve"


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) only reaches this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


@dataclass
class ServeSettings:
    """A service's settings (see :meth:`from_config`).

    Attributes:
        config: The resolved sciwire config (models, limits, ``[serve]``).
        keys: The accepted API keys; empty: open access, allowed on loopback only.
        store: The corpus store: a file or ``postgresql://...``.
        data_dir: The job table, uploads, reports and the session secret.
        host, port: Where to listen.
        run_jobs: Start the job worker (tests of access rules may leave it off).
    """

    config: Config
    keys: KeyRing
    store: str
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    run_jobs: bool = True
    secret: bytes = field(default=b"", repr=False)

    @classmethod
    def from_config(
        cls,
        config: Config,
        *,
        host: str | None = None,
        port: int | None = None,
        store: str | None = None,
        keys: KeyRing | str | os.PathLike[str] | None = None,
        data_dir: str | os.PathLike[str] | None = None,
        run_jobs: bool = True,
    ) -> ServeSettings:
        """Settings from ``[serve]``, each argument given overriding its setting.

        Raises:
            ConfigError: When the keys file is invalid, or the host is not a loopback address and
                no keys are configured.
        """
        serve = config.serve
        location = store or serve.store or config.paths.store
        if "://" not in location and location != config.paths.store:  # one store for add, ask and the task database
            config = dataclasses.replace(config, paths=dataclasses.replace(config.paths, store=location))
        if isinstance(keys, KeyRing):
            ring = keys
        else:
            keys_file = os.fspath(keys) if keys is not None else serve.keys_file
            ring = KeyRing.from_file(os.path.expanduser(keys_file)) if keys_file else KeyRing()
        settings = cls(
            config=config,
            keys=ring,
            store=location,
            data_dir=Path(os.path.expanduser(data_dir or serve.data_dir or _default_data_dir())),
            host=host or serve.host,
            port=serve.port if port is None else port,
            run_jobs=run_jobs,
        )
        settings.check_bind()
        return settings

    @property
    def open_access(self) -> bool:
        """No keys configured: every request may do everything (loopback only)."""
        return len(self.keys) == 0

    @property
    def base_url(self) -> str:
        """``http://host:port``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def check_bind(self) -> None:
        """Refuse a non-loopback address without API keys.

        Raises:
            ConfigError: When ``host`` reaches other machines and no keys are configured.
        """
        if self.open_access and not is_loopback(self.host):
            raise ConfigError(
                f"Refusing to listen on {self.host} without API keys: anyone who can reach it could use the "
                "service; add keys (sciwire serve --new-key NAME:ROLE --keys FILE, then --keys FILE) "
                "or listen on 127.0.0.1"
            )

    def prepare(self) -> None:
        """Create the data folder (0700) and load or make the session secret.

        Raises:
            OutputError: When the folder or the secret cannot be written.
        """
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            secret_file = self.data_dir / "session.key"
            if not secret_file.exists():
                fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(secrets.token_bytes(32))
            self.secret = secret_file.read_bytes()
        except FileExistsError:  # another process made it between the two calls
            self.secret = (self.data_dir / "session.key").read_bytes()
        except OSError as exc:
            raise OutputError(f"Cannot use the serve data folder {self.data_dir}: {exc.strerror or exc}") from exc
        if len(self.secret) < 32:
            raise OutputError(f"{self.data_dir / 'session.key'} is shorter than 32 bytes; delete it to make a new one")

    @property
    def jobs_dir(self) -> Path:
        """Where each job keeps its inputs (``in/``) and outputs (``out/``)."""
        return self.data_dir / "jobs"

    @property
    def max_upload_bytes(self) -> int:
        """The largest request body."""
        return int(self.config.serve.max_upload_mb * 1024 * 1024)
