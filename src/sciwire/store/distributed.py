"""``add`` on Ray: batches are read, split into sentences, embedded and enriched in Ray actors.

The driver (the process that runs :func:`sciwire.store.add_files`) hashes the files and asks
the store which are new, cuts the new ones into batches (:func:`~sciwire.store.ingest.file_batches`, the same
cut as a local run), and hands them to a pool of actors,
one per CPU the cluster offers; each actor loads spaCy and the encoder once and returns the
prepared documents with their vectors. The driver writes each batch in one transaction, in the
order of the files, so the store ends up with the same documents, ids, sentences, layers and vectors as a
local run.

On one machine this only adds work (process start-up, a model copy per actor, pickling the
vectors back): it pays off on a cluster, where the actors run on other machines' cores; see
``docs/scaling.md``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sciwire.backends.embeddings import Embedder
from sciwire.config import Config
from sciwire.document import Document
from sciwire.errors import ExecutorError, MissingDependencyError, SciwireError
from sciwire.store import ingest
from sciwire.store.ingest import Prepared

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmbedderSpec:
    """How to make an :class:`Embedder` in another process (the loaded model itself does not travel)."""

    model: str
    device: str
    batch_size: int
    cache_dir: str | None
    max_tokens: int | None
    backend: str

    @classmethod
    def of(cls, embedder: Embedder) -> EmbedderSpec:
        cache = str(embedder.cache_dir) if embedder.cache_dir is not None else None
        return cls(embedder.model, embedder.device, embedder.batch_size, cache, embedder.max_tokens, embedder.backend)

    def make(self) -> Embedder:
        return Embedder(self.model, self.device, self.batch_size, self.cache_dir, self.max_tokens, self.backend)


class BatchWorker:
    """What a Ray actor runs: read, split, embed and enrich batches of files (models loaded once).

    Args:
        config: Models and input limits.
        encoder: An :class:`EmbedderSpec`, or any picklable encoder (``encode``, ``model_key``).
        enrich: As in :func:`~sciwire.store.add_files` (it must pickle: cloudpickle copies closures).
    """

    def __init__(self, config: Config, encoder: Any, enrich: Callable[[Document, np.ndarray], Document] | None) -> None:
        self.config = config
        self.encoder = encoder.make() if isinstance(encoder, EmbedderSpec) else encoder
        self.enrich = enrich
        self.nlp: Any = None

    def prepare(self, items: list[tuple[int, str, str]]) -> list[Prepared]:
        """Files ``(position, path, content hash)`` -> what to store, in order; a bad file says why."""
        if self.nlp is None:
            self.nlp = ingest.load_spacy(self.config.models.spacy)
        read: list[tuple[int, Path, str, Document]] = []
        failed: list[Prepared] = []
        for i, name, digest in items:
            path = Path(name)
            try:
                read.append((i, path, digest, ingest.read(path, config=self.config.input)))
            except SciwireError as exc:
                failed.append(Prepared(i, path, digest, message=str(exc)))
        prepared = ingest.prepare_batch(read, self.nlp, self.encoder, self.enrich) if read else []
        return sorted([*prepared, *failed], key=lambda p: p.i)


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise MissingDependencyError("ray", "add --executor ray", "ray") from exc
    return ray


def prepare_on_ray(
    todo: list[tuple[int, Path, str]],
    config: Config,
    embedder: Embedder,
    enrich: Callable[[Document, np.ndarray], Document] | None,
    address: str | None = None,
) -> Iterator[list[Prepared]]:
    """Prepared batches, in file order, from a pool of Ray actors.

    Args:
        address: A cluster (``ray://head:10001`` or ``auto``); None: Ray already running in this
            process, else a local instance started here and shut down at the end.

    Raises:
        ExecutorError: When Ray cannot start or connect, or an actor fails for another reason
            than a bad file (a sciwire error in an actor is raised as itself).
    """
    ray = _ray()
    started = False
    if not ray.is_initialized():
        try:
            ray.init(address=address, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
        except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError... for a bad address
            where = address or "a local Ray instance"
            raise ExecutorError(f"Cannot start or reach Ray at {where}: {exc}".splitlines()[0]) from exc
        started = True
    from ray.util import ActorPool

    work = [[(i, str(path), digest) for i, path, digest in group] for group in ingest.file_batches(todo)]
    cpus = max(1, int(ray.available_resources().get("CPU", 1)))
    encoder = EmbedderSpec.of(embedder) if isinstance(embedder, Embedder) else embedder
    worker = ray.remote(num_cpus=1)(BatchWorker)
    actors = [worker.remote(config, encoder, enrich) for _ in range(min(cpus, len(work)))]
    logger.info("add on Ray: %d batches on %d actors", len(work), len(actors))
    try:
        yield from ActorPool(actors).map(lambda actor, batch: actor.prepare.remote(batch), work)
    except ray.exceptions.RayError as exc:
        cause = getattr(exc, "cause", None)
        if isinstance(cause, SciwireError):
            raise cause from None
        raise ExecutorError(f"A Ray worker of add failed: {str(exc).strip().splitlines()[-1]}") from exc
    finally:
        for actor in actors:
            ray.kill(actor)
        if started:
            ray.shutdown()
