"""Decoy papers written for these tests (made up, like the bundled example)."""

from __future__ import annotations

import json

import pytest

DECOYS = [
    {
        "id": "decoy-caffeine",
        "title": "Evening Caffeine Delays Sleep Onset in Adolescents: A Crossover Trial",
        "abstract": (
            "Adolescents often drink caffeinated beverages late in the day. In a crossover trial, 48 students "
            "aged 14 to 17 years received 80 mg of caffeine or a placebo drink at 19:00 on two school nights. "
            "Polysomnography showed that caffeine delayed sleep onset by 21 minutes and reduced slow-wave sleep "
            "by 9%. Schools and parents should discourage caffeine after mid-afternoon."
        ),
        "doi": "10.5555/decoy.caffeine.2025",
        "authors": ["Ingrid Solberg", "Mateo Quiroga"],
        "venue": "Adolescent Sleep Letters",
        "date": "2025-09-02",
    },
    {
        "id": "decoy-fasting-glucose",
        "title": "Alternate-Day Fasting Lowers Fasting Glucose in Young Male Mice",
        "abstract": (
            "We fed 30 young male mice either every other day or without restriction for six weeks. Alternate-day "
            "fasting lowered fasting blood glucose by 15% and body weight by 8%, and improved insulin sensitivity "
            "in a glucose tolerance test. Food intake over the whole period was 12% lower in the fasting group."
        ),
        "doi": "10.5555/decoy.fasting.2024",
        "authors": ["Rafael Lindqvist"],
        "venue": "Metabolic Models",
        "date": "2024-02-11",
    },
    {
        "id": "decoy-night-light",
        "title": "Dim Light at Night Impairs Spatial Memory in Rats",
        "abstract": (
            "Rats housed for four weeks with dim light during the dark phase made more errors in a water maze and "
            "showed lower hippocampal expression of plasticity genes than rats kept in darkness. Light at night "
            "may harm memory through disrupted circadian rhythms."
        ),
        "doi": "10.5555/decoy.light.2023",
        "authors": ["Chen Wexford", "Amara Oduya"],
        "venue": "Journal of Rodent Behaviour",
        "date": "2023-05-20",
    },
]


@pytest.fixture
def decoys_jsonl(tmp_path):
    path = tmp_path / "decoys.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in DECOYS) + "\n", encoding="utf-8")
    return path
