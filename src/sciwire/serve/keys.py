"""API keys with roles, kept as salted scrypt hashes: the service never stores a key itself.

A key reads ``sw_<id>_<secret>``: ``id`` (8 hex digits) finds its row in the keys file
without trying every hash, ``secret`` (256 random bits) is checked against the row's salted
scrypt hash. A key that checked out once is remembered in memory by its SHA-256, so scrypt's
cost (tens of milliseconds, on purpose) is paid once per key and process, not per request.

The keys file is TOML, one ``[[keys]]`` table per key::

    [[keys]]
    id = "3f9c2a1b"
    name = "alice"
    role = "editor"
    hash = "scrypt$16384$8$1$<salt, base64>$<hash, base64>"

Example:
    >>> key, row = new_key("alice", "editor")
    >>> ring = KeyRing([row])
    >>> ring.authenticate(key).role
    'editor'
    >>> role_allows("editor", "reader"), role_allows("reader", "editor")
    (True, False)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import threading
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sciwire.errors import AccessError, ConfigError

#: Roles, weakest first: each may do what the ones before it may.
ROLES = ("reader", "editor", "admin")
_N, _R, _P = 2**14, 8, 1
_KEY = re.compile(r"sw_([0-9a-f]{8})_([A-Za-z0-9_-]{20,100})")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}")


def role_allows(role: str, needed: str) -> bool:
    """Whether ``role`` may do what ``needed`` may (reader < editor < admin)."""
    return ROLES.index(role) >= ROLES.index(needed)


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    """The salted scrypt hash of ``secret`` as stored in the keys file."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, maxmem=64 * 1024 * 1024, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_secret(secret: str, stored: str) -> bool:
    """Whether ``secret`` matches a hash from :func:`hash_secret` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            secret.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=64 * 1024 * 1024,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


@dataclass(frozen=True)
class ApiKey:
    """One row of the keys file: who (``name``), what they may do (``role``), the salted hash."""

    id: str
    name: str
    role: str
    hash: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[0-9a-f]{8}", self.id):
            raise ConfigError(f"An API key id must be 8 hex digits, got {self.id!r}")
        if self.role not in ROLES:
            raise ConfigError(f"API key {self.id}: role must be one of {', '.join(ROLES)}, got {self.role!r}")
        if not _NAME.fullmatch(self.name):
            raise ConfigError(
                f"API key {self.id}: name must be 1-64 letters, digits, spaces or ._@- , got {self.name!r}"
            )
        if not self.hash.startswith("scrypt$"):
            raise ConfigError(f"API key {self.id}: hash must be a salted scrypt hash (scrypt$...), not a key")


def new_key(name: str, role: str) -> tuple[str, ApiKey]:
    """A fresh key and the row to keep (the key is shown once and never stored).

    Raises:
        ConfigError: On an unknown role or a bad name.
    """
    key_id = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    return f"sw_{key_id}_{secret}", ApiKey(key_id, name, role, hash_secret(secret))


class KeyRing:
    """The API keys the service accepts.

    Args:
        keys: The rows (from :meth:`from_file` or :func:`new_key`); ids must be unique.

    Raises:
        ConfigError: When two keys share an id.
    """

    def __init__(self, keys: Iterable[ApiKey] = ()) -> None:
        self.keys: dict[str, ApiKey] = {}
        for key in keys:
            if key.id in self.keys:
                raise ConfigError(f"Two API keys share the id {key.id}; give each key its own id")
            self.keys[key.id] = key
        self._verified: dict[bytes, str] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> KeyRing:
        """Read a keys file (see the module docstring).

        Raises:
            ConfigError: When the file is missing, not TOML or a row is invalid.
        """
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(
                f"The API keys file {path} does not exist; create one with sciwire serve --new-key NAME:ROLE"
            ) from exc
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"The API keys file {path} is not valid TOML: {exc}") from exc
        rows = data.get("keys", [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ConfigError(f"The API keys file {path} must hold [[keys]] tables with id, name, role and hash")
        try:
            return cls(ApiKey(str(r["id"]), str(r["name"]), str(r["role"]), str(r["hash"])) for r in rows)
        except KeyError as exc:
            raise ConfigError(f"A key in {path} lacks {exc.args[0]!r}; each needs id, name, role and hash") from exc

    def authenticate(self, presented: str) -> ApiKey:
        """The key ``presented`` (``sw_<id>_<secret>``) is, when it is valid.

        Raises:
            AccessError: When it is malformed, unknown or its secret does not match.
        """
        fingerprint = hashlib.sha256(presented.encode("utf-8", "replace")).digest()
        with self._lock:
            known = self._verified.get(fingerprint)
        if known is not None and known in self.keys:
            return self.keys[known]
        match = _KEY.fullmatch(presented)
        key = self.keys.get(match.group(1)) if match else None
        if match is None or key is None or not verify_secret(match.group(2), key.hash):
            raise AccessError("Invalid API key")
        with self._lock:
            self._verified[fingerprint] = key.id
        return key

    def get(self, key_id: str) -> ApiKey | None:
        """The key with this id, if any."""
        return self.keys.get(key_id)


def append_key(path: str | os.PathLike[str], name: str, role: str) -> str:
    """Make a key, add its hash to the keys file (created 0600 when absent) and return the key.

    Raises:
        ConfigError: On a bad role or name, or a keys file that cannot be read.
        OutputError: When the file cannot be written.
    """
    from sciwire.errors import OutputError

    file = Path(path)
    ring = KeyRing.from_file(file) if file.exists() else KeyRing()
    key, row = new_key(name, role)
    while row.id in ring.keys:  # 1 in 4 billion
        key, row = new_key(name, role)
    text = f'\n[[keys]]\nid = "{row.id}"\nname = "{row.name}"\nrole = "{row.role}"\nhash = "{row.hash}"\n'
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise OutputError(f"Cannot write the API keys file {file}: {exc.strerror or exc}") from exc
    return key
