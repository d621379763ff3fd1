"""A tiny made-up data folder in CD²CR's layout (``cdcr/train.conll``, ``train_entities.json``,
``sci_papers.json``), for training tests that must not depend on the real data."""

from __future__ import annotations

import json
from pathlib import Path

# Each topic: a news summary and its abstract (sentences of space-separated tokens), and gold
# mentions as (side, sentence, first token, last token, cluster) with sentence-level token positions.
TOPICS = [
    {
        "paper_id": "101",
        "news": ["Researchers found that mice fed at night slept less .", "The mice also gained weight ."],
        "science": ["We fed mice only at night for six weeks .", "Night feeding cut sleep in mice by 20 % ."],
        "mentions": [
            ("news", 0, 0, 0, "a"),
            ("science", 0, 0, 0, "a"),
            ("news", 0, 3, 3, "b"),
            ("news", 1, 1, 1, "b"),
            ("science", 0, 2, 2, "b"),
            ("science", 1, 5, 5, "b"),
            ("news", 1, 4, 4, "c"),
            ("science", 1, 3, 3, "d"),
        ],
    },
    {
        "paper_id": "102",
        "news": ["A coffee trial shows caffeine delays sleep in teenagers .", "Students drank coffee in the evening ."],
        "science": [
            "In a crossover trial , caffeine delayed sleep onset in adolescents .",
            "Evening caffeine reduced deep sleep .",
        ],
        "mentions": [
            ("news", 0, 1, 2, "e"),
            ("science", 0, 2, 3, "e"),
            ("news", 0, 4, 4, "f"),
            ("science", 0, 5, 5, "f"),
            ("science", 1, 1, 1, "f"),
            ("news", 0, 8, 8, "g"),
            ("science", 0, 10, 10, "g"),
            ("news", 1, 0, 0, "g"),
        ],
    },
    {
        "paper_id": "103",
        "news": ["Rats kept under dim light at night had worse memory .", "The light harmed learning in the maze ."],
        "science": [
            "Rats housed with dim light during the dark phase erred more in a water maze .",
            "Light at night may impair spatial memory .",
        ],
        "mentions": [
            ("news", 0, 0, 0, "h"),
            ("science", 0, 0, 0, "h"),
            ("news", 0, 4, 4, "i"),
            ("news", 1, 1, 1, "i"),
            ("science", 0, 4, 4, "i"),
            ("science", 1, 0, 0, "i"),
            ("news", 1, 6, 6, "j"),
            ("science", 0, 14, 14, "j"),
        ],
    },
]


def write_cdcr(root: Path, split: str = "train") -> Path:
    """Write the made-up topics under ``root/cdcr`` and return ``root`` (the data folder)."""
    folder = root / "cdcr"
    folder.mkdir(parents=True, exist_ok=True)
    lines, entities, papers = [f"#begin document {split}_entities"], [], {}
    for t, topic in enumerate(TOPICS):
        papers[topic["paper_id"]] = {"doi": f"10.5555/made.up.{t}", "abstract": " ".join(topic["science"])}
        for side, source in (("news", f"90{t}"), ("science", topic["paper_id"])):
            doc_id = f"{t}_{side}_{source}"
            starts, tid = [], 0
            for s, sentence in enumerate(topic[side]):
                starts.append(tid)
                for token in sentence.split():
                    lines.append(f"{t}\t{t}_0\t{doc_id}\t{s}\t{tid}\t{token}\tTrue\t-")
                    tid += 1
            for m_side, s, a, b, cluster in topic["mentions"]:
                if m_side == side:
                    ids = list(range(starts[s] + a, starts[s] + b + 1))
                    entities.append({"doc_id": doc_id, "sentence_id": s, "tokens_ids": ids,
                                     "cluster_id": f"{t}{cluster}", "topic": str(t)})  # fmt: skip
    lines.append("#end document")
    (folder / f"{split}.conll").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / f"{split}_entities.json").write_text(json.dumps(entities), encoding="utf-8")
    (folder / "sci_papers.json").write_text(json.dumps(papers), encoding="utf-8")
    return root
