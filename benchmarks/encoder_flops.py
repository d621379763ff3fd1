"""How close does the sentence encoder run to what the CPU can do? Floating-point work against time.

One pass of the default encoder (MiniLM-L6) over the bundled example's sentences (paper and both
stories, split as ``analyze`` splits them), the way :class:`~sciwire.backends.embeddings.Embedder`
runs it (batches cut from the texts' order by word-piece count) and the way sentence-transformers
orders them itself (one ``encode`` call; it sorts by characters), in the same run:

- the work: multiply-adds of every linear map (2 FLOPs each) and of attention, on the real word
  pieces only (padding is wasted work, counted apart);
- the machine's rate: a matrix product of the encoder's own shape (rows x 384 by 384 x 1536)
  on torch's threads, best of 3;
- wall and process CPU seconds of each pass, best of ``--repeats``.

What it answers for issue #17: the warm-analysis target (3 s) and ``combined`` keyphrases at 30
docs/s are floating-point work; this is the rate that work can go at here.

Run: ``python benchmarks/encoder_flops.py [--repeats 3] [--write]``.
"""

from __future__ import annotations

import argparse
import os
import time

from _common import header, markdown_table, update_section

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def sentences() -> list[str]:
    """The bundled example's sentences, split by the analysis itself."""
    from sciwire.config import load_config
    from sciwire.examples import paper_path, story_paths
    from sciwire.pipeline import Analyzer, read_inputs

    analyzer = Analyzer(load_config(overrides=["pipeline.steps=discourse", "runtime.embedding_cache=false"]))
    paper, stories = read_inputs(paper_path(), story_paths(), analyzer.config)
    result = analyzer.analyze(paper, stories)
    return result.paper.sentence_texts() + [t for s in result.stories for t in s.sentence_texts()]


def padded(lengths: list[int], order: list[int], batch: int) -> int:
    """Word pieces a pass computes when batches of ``batch`` are cut from ``order`` (padding included)."""
    return sum(max(lengths[i] for i in order[b : b + batch]) * len(order[b : b + batch])
               for b in range(0, len(order), batch))  # fmt: skip


def best_of(repeats: int, run: object) -> tuple[float, float]:
    """Best wall and best CPU seconds of ``run()``."""
    walls, cpus = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        run()  # type: ignore[operator]
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()

    import torch

    from sciwire.backends.embeddings import Embedder
    from sciwire.config import load_config

    texts = sentences()
    cfg = load_config(overrides=["runtime.embedding_cache=false"])
    embedder = Embedder.from_config(cfg)
    embedder.warm_up()
    st = embedder._st
    limit = min(cfg.models.max_tokens or 10**9, st.max_seq_length)
    lengths = [len(ids) for ids in st.tokenizer(texts, truncation=True, max_length=limit)["input_ids"]]
    bert = st[0].auto_model.config
    d, inner, layers = int(bert.hidden_size), int(bert.intermediate_size), int(bert.num_hidden_layers)
    per_piece = layers * 2 * (4 * d * d + 2 * d * inner)  # Q, K, V, output; the two feed-forward maps
    attention = sum(layers * 2 * 2 * n * n * d for n in lengths)  # scores and their weighted sum
    work = sum(lengths) * per_piece + attention
    batch = embedder.batch_size

    def own_order() -> None:
        embedder.encode(texts)

    def st_order() -> None:
        st.max_seq_length = limit
        try:
            st.encode(texts, batch_size=batch, normalize_embeddings=True, show_progress_bar=False)
        finally:
            st.max_seq_length = embedder._model_limit

    own_order()  # first call: allocations
    by_tokens = sorted(range(len(texts)), key=lambda i: lengths[i])
    by_chars = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    a, b = torch.randn(2048, d), torch.randn(d, inner)
    gemm = [best_of(args.repeats, lambda: [a @ b for _ in range(20)])[0]]
    peak = 20 * 2 * 2048 * d * inner / gemm[0] / 1e9
    rows = []
    for label, run, order in (
        ("sciwire (`Embedder.encode`: batches by word-piece count)", own_order, by_tokens),
        ("sentence-transformers' own order (by characters)", st_order, by_chars),
    ):
        wall, cpu = best_of(args.repeats, run)
        pieces = padded(lengths, order, batch)
        rows.append([label, f"{pieces:,}", f"{wall:.2f}", f"{cpu:.2f}", f"{work / 1e9 / wall:.0f}",
                     f"{100 * work / 1e9 / wall / peak:.0f}%"])  # fmt: skip
        print(" | ".join(rows[-1]), flush=True)
    table = markdown_table(
        ["pass over the sentences", "word pieces computed (padding incl.)", "wall s", "CPU s", "GFLOP/s",
         "of the machine's rate"],
        rows,
    )  # fmt: skip
    body = (
        header(f"python benchmarks/encoder_flops.py --repeats {args.repeats} --write")
        + f"- Torch threads: {torch.get_num_threads()}; batch size {batch} (`runtime.batch_size`); "
        f"token limit {limit}.\n\n"
        f"The bundled example's {len(texts)} sentences hold {sum(lengths):,} word pieces; one pass of the "
        f"encoder ({layers} layers, width {d}, feed-forward {inner}) over them is **{work / 1e9:.0f} GFLOP** "
        f"of real work. The machine's rate, a matrix product of the encoder's shape (2048 x {d} by "
        f"{d} x {inner}) on the same threads: **{peak:.0f} GFLOP/s**, so the pass needs at least "
        f"{work / 1e9 / peak:.2f} s here.\n\n{table}\n\n"
        f"Load average (1 min) at the end: {os.getloadavg()[0]:.1f}.\n"
    )
    print(body)
    if args.write:
        update_section("encoder-flops", "Encoder: work against the machine's rate", body)


if __name__ == "__main__":
    main()
