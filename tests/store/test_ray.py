"""add on Ray: a local Ray instance started here gives the same store content as the local run."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from sciwire.config import load_config
from sciwire.errors import ExecutorError, InputError
from sciwire.store import SQLiteStore, add_files, distributed

ray = pytest.importorskip("ray", reason="add --executor ray needs Ray (pip install 'sciwire[ray]')")
pytestmark = pytest.mark.slow  # the real spaCy pipeline, in this process and in a Ray worker
ROOT = Path(__file__).resolve().parents[2]


class HashEncoder:
    """A deterministic stand-in for the sentence encoder: each text's vector depends on the text only."""

    model_key = "hash-encoder"

    def encode(self, texts, on_progress=None, *, full_length=False):
        rows = [
            np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)).normal(size=8) for t in texts
        ]
        out = np.asarray(rows, dtype=np.float32).reshape(len(texts), 8)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def tag_first_sentence(doc, vectors):
    """An ``enrich`` that adds a layer (it runs in the Ray actor, as discourse roles do)."""
    from sciwire.document import Span

    first = doc.sentences[0]
    return doc.with_layer("first", [Span(first.start, first.end, f"{float(vectors[0][0]):.6f}")])


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray instance (1 CPU, no dashboard) for this module; the workers import the tests."""
    ray.init(
        num_cpus=1,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}},
    )
    yield ray
    ray.shutdown()


def papers(folder: Path) -> list[Path]:
    texts = [f"Mice {i} sleep longer in the dark. Rats {i} eat more at night. Both gain weight.\n" for i in range(5)]
    files = []
    for i, text in enumerate(texts):
        files.append(folder / f"a{i}.txt")
        files[-1].write_text(text)
    (folder / "blank.txt").write_text("a line without any end\n")
    (folder / "copy.txt").write_text(texts[0])
    (folder / "sub").mkdir()
    (folder / "sub" / "a1.txt").write_text("Another paper named a1. It gets a suffix.\n")
    return [*files, folder / "blank.txt", folder / "copy.txt", folder / "sub" / "a1.txt"]


def content(store: SQLiteStore) -> tuple[list[tuple[str, list[str]]], tuple[list[tuple[str, int]], np.ndarray]]:
    docs = [(row.id, store.get(row.id).sentence_texts(), store.get(row.id).layer("first")) for row in store.documents()]
    return docs, store.vectors(HashEncoder.model_key)


def test_ray_gives_the_same_store_content_as_local(tmp_path, local_ray, monkeypatch):
    monkeypatch.setattr(distributed.ingest, "BATCH_DOCS", 3)  # several batches, so order matters
    files = papers(tmp_path)
    cfg = load_config(environ={})
    runs = {}
    for executor in ("local", "ray"):
        with SQLiteStore(tmp_path / f"{executor}.sqlite") as store:
            results = add_files(store, files, cfg, HashEncoder(), enrich=tag_first_sentence, executor=executor)
            runs[executor] = ([(r.status, r.doc_id, r.message) for r in results], content(store))
    (local_results, (local_docs, (local_keys, local_vecs))) = runs["local"]
    (ray_results, (ray_docs, (ray_keys, ray_vecs))) = runs["ray"]
    assert ray_results == local_results
    assert [s for s, *_ in ray_results] == ["added"] * 5 + ["failed", "unchanged", "added"]
    assert ray_docs == local_docs and [d[0] for d in ray_docs][-1].startswith("a1-")
    assert ray_keys == local_keys and np.allclose(ray_vecs, local_vecs)


def test_unknown_executor_and_unreachable_cluster(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("Mice sleep.\n")
    with SQLiteStore(":memory:") as store:
        with pytest.raises(InputError, match="executor must be one of local, ray, got 'dask'"):
            add_files(store, [tmp_path], load_config(environ={}), HashEncoder(), executor="dask")
        monkeypatch.setattr(ray, "is_initialized", lambda: False)

        def refuse(**kwargs):
            raise ConnectionError("Failed to connect to 127.0.0.1:1")

        monkeypatch.setattr(ray, "init", refuse)
        with pytest.raises(ExecutorError, match=r"^Cannot start or reach Ray at ray://127.0.0.1:1: Failed to connect"):
            add_files(
                store, [tmp_path], load_config(environ={}), HashEncoder(), executor="ray", address="ray://127.0.0.1:1"
            )
        assert len(store) == 0
