"""Made-up papers and ratings for the newsworthiness tests (generated here, never real data)."""

from __future__ import annotations

import json
import random

import pytest

NEWSY = [
    "Dog owners live longer: in {n} adults, walking a dog every day lowered the risk of heart disease by a third.",
    "Coffee drinkers had fewer strokes: a study of {n} people links two cups a day to better brain health.",
    "Wildfires doubled in {n} regions as the climate warmed, threatening homes and the health of millions.",
    "Children who sleep less than eight hours were twice as likely to be obese, in a study of {n} families.",
    "A new vaccine protected {n} volunteers against malaria, a disease that kills half a million people a year.",
    "Astronomers found {n} new planets like Earth that might hold water and, perhaps, life.",
]
DULL = [
    "We prove a sharp bound on the {n}-adic valuation of Chern characters of coherent sheaves over regular schemes.",
    "A modified Galerkin discretisation of the anisotropic Helmholtz operator converges at order {n} in Sobolev norms.",
    "We characterise the cohomology of {n}-dimensional nilpotent Lie superalgebras via spectral sequences.",
    "An asymptotic expansion of the Bergman kernel on pseudoconvex domains holds up to order {n}.",
    "Isotopic fractionation of {n} lanthanide complexes in anhydrous acetonitrile was quantified by ICP-MS.",
    "The eigenvalue multiplicity of {n}-regular expander graphs under Ricci curvature bounds is characterised.",
]


def make_papers(n_each: int = 12) -> list[dict]:
    rows = []
    for i in range(n_each):
        for kind, templates in (("n", NEWSY), ("d", DULL)):
            text = templates[i % len(templates)].format(n=(i + 2) * 37)
            extra = " Code is available at https://github.com/example/repo." if i % 3 == 0 else ""
            rows.append({"id": f"{kind}{i}", "title": text.split(":")[0][:60], "abstract": text + extra,
                         "categories": ["q-bio.PE"] if kind == "n" else ["math.AG"]})  # fmt: skip
    return rows


def make_ratings(papers: list[dict], raters: int = 3, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    lines = ["paper_id,rater_id,actuality,controversy,relevance_magnitude,relevance_valence"]
    for p in papers:
        base = 4 if p["id"].startswith("n") else 2
        for r in range(raters):
            values = [min(5, max(1, base + rng.choice((-1, 0, 0, 1)))) for _ in range(4)]
            lines.append(",".join([p["id"], f"r{r}", *map(str, values)]))
    return lines


@pytest.fixture
def rated_files(tmp_path):
    papers = make_papers()
    papers_path = tmp_path / "papers.jsonl"
    papers_path.write_text("\n".join(json.dumps(p) for p in papers) + "\n", encoding="utf-8")
    ratings_path = tmp_path / "ratings.csv"
    ratings_path.write_text("\n".join(make_ratings(papers)) + "\n", encoding="utf-8")
    return papers_path, ratings_path
