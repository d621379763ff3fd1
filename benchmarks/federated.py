"""Federated vs pooled vs local-only: claim strength, sites split by source (paper vs press release).

Protocol: the claim-strength sentences (Yu et al.; 2,755 paper conclusions + 2,076 press-release
sentences, labels 0-3) embedded with all-MiniLM-L6-v2. One StratifiedGroupKFold fold (groups:
the press release's PMID, the normalised text of a paper sentence) is the test set, the same for
every model; the rest is dealt to two sites by source: ``paper`` and ``press``. Three logistic
heads with the same optimiser and the same number of gradient steps (rounds x epochs):

- ``federated``: FedAvg in Flower's simulation engine (ServerApp/ClientApp, 2 simulated sites on
  Ray); only weights travel;
- ``pooled``: every training record in one place (the ceiling federation tries to reach);
- ``local-only``: each site alone (what a site gets without federation), scored on the same test set.

Run: ``python benchmarks/federated.py [--rounds 10] [--epochs 20] [--write]``
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
from _common import cpu_encoder, header, markdown_table, update_section

from sciwire.config import load_config
from sciwire.datasets.fidelity import load_claim_strength
from sciwire.learn.federated import FederatedSettings, Site, compare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("SCIWIRE_DATA", str(load_config().paths.data_dir)))
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", action="store_true", help="Write the section of docs/benchmarks.md.")
    args = parser.parse_args()
    from sklearn.model_selection import StratifiedGroupKFold

    rows = load_claim_strength(args.data, "both")
    y = np.array([r.label for r in rows])
    groups = np.array([r.group for r in rows])
    sources = np.array([r.source for r in rows])
    start = time.perf_counter()
    x = np.asarray(cpu_encoder(load_config()).encode([r.text for r in rows]), dtype=np.float64)
    embed_s = time.perf_counter() - start
    folds = StratifiedGroupKFold(5, shuffle=True, random_state=args.seed)
    train, test = next(iter(folds.split(x, y, groups)))
    sites = [Site(s, x[train][sources[train] == s], y[train][sources[train] == s]) for s in ("paper", "press")]
    settings = FederatedSettings(rounds=args.rounds, epochs=args.epochs, num_cpus=1)
    start = time.perf_counter()
    metrics, _ = compare(sites, x[test], y[test], 4, settings)
    fed_s = time.perf_counter() - start
    by_source = {s: int((sources[test] == s).sum()) for s in ("paper", "press")}
    table = markdown_table(
        ["head", "macro-F1 (same test set)"],
        [["federated (FedAvg, 2 sites)", metrics["federated_macro_f1"]], ["pooled", metrics["pooled_macro_f1"]]]
        + [[f"local-only: {name}", f1] for name, f1 in metrics["local_macro_f1"].items()],
    )
    body = (
        header(f"python benchmarks/federated.py --rounds {args.rounds} --epochs {args.epochs} --write")
        + f"\nSites: {json.dumps(metrics['sites'])} training sentences; test: {metrics['test_records']} sentences "
        f"({json.dumps(by_source)} by source), one grouped fold. {args.rounds} rounds x {args.epochs} local steps "
        f"(pooled and local-only: {args.rounds * args.epochs} steps). Embedding {embed_s:.0f} s; the three heads "
        f"{fed_s:.0f} s (mostly Ray start-up) on a shared 2-core machine.\n\n" + table + "\n"
    )
    print(body)
    if args.write:
        update_section("federated", "Federated learning (Flower): claim strength split by source", body)


if __name__ == "__main__":
    main()
