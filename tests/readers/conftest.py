"""Inputs for the reader tests, all generated here (nothing is read from ../shared)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

#: Made-up English science prose, long enough for the language check.
ENGLISH = (
    "Sleep becomes shorter and more fragmented with age, and few treatments are both safe and easy to keep up. "
    "We tested whether restricting food to an eight-hour window changes how old mice sleep. "
    "The mice on the restricted schedule woke up less often during the light phase than the control mice, "
    "and their total food intake did not differ between the groups."
)
#: German, French and Spanish paragraphs written for these tests.
GERMAN = (
    "Die Forscher haben untersucht, ob ein zeitlich begrenztes Essen den Schlaf von älteren Mäusen verbessert. "
    "Dabei wurden die Tiere in zwei Gruppen eingeteilt, und die eine Gruppe bekam nur nachts Futter. "
    "Nach zehn Wochen schliefen die Mäuse dieser Gruppe ruhiger, und sie wachten seltener auf als die anderen. "
    "Ob sich diese Ergebnisse auf den Menschen übertragen lassen, ist jedoch noch völlig unklar."
)
FRENCH = (
    "Les chercheurs ont étudié si une alimentation limitée dans le temps améliore le sommeil des souris âgées. "
    "Les animaux ont été répartis en deux groupes, et un groupe ne recevait de la nourriture que pendant la nuit. "
    "Après dix semaines, les souris de ce groupe dormaient plus calmement et se réveillaient moins souvent. "
    "On ne sait pas encore si ces résultats peuvent être transposés à l'homme."
)
SPANISH = (
    "Los investigadores estudiaron si una alimentación restringida en el tiempo mejora el sueño de los ratones viejos. "
    "Los animales fueron divididos en dos grupos, y uno de ellos solo recibía comida durante la noche. "
    "Después de diez semanas, los ratones de este grupo dormían más tranquilos y se despertaban menos. "
    "No se sabe todavía si estos resultados se pueden trasladar a las personas."
)

HEADER = "Journal of Made-up Chronobiology 12 (2026) 101-110"


def wrap(text: str) -> list[str]:
    """Lines of about 90 characters, as a PDF would set them."""
    return textwrap.wrap(text, 90)


#: A three-page paper: a running header, "Page N of 3" footers, "regu-/lation" and
#: "time-/restricted" split at line ends, numbered headings and a reference list.
PAPER_PAGES: list[list[str]] = [
    [
        "Feeding Time and Sleep in Aged Mice",
        "Ada Author, Ben Author",
        "Abstract",
        *wrap(ENGLISH),
        "1. Introduction",
        "The circadian clock controls the daily timing of sleep, feeding and hormone release, and the regu-",
        "lation of these rhythms weakens in old animals. Meal timing is a strong cue for the clocks in",
        "peripheral organs such as the liver, and time-restricted feeding strengthens them.",
    ],
    [
        "2. Methods",
        "2.1 Animals",
        *wrap(
            "Twenty-four male and female mice aged twenty months were housed in single cages with water at all "
            "times. Half of the animals had access to food for eight hours during the dark phase."
        ),
        "2.2 Sleep recordings",
        *wrap("Sleep was recorded with wireless EEG and EMG transmitters for two days at the end of the study."),
        "3. Results",
        "Compared with the control group, the mice on the time-",
        "restricted schedule woke up less often during the light phase, and their sleep bouts lasted",
        "longer. The effect was similar in males and in females.",
    ],
    [
        "4. Discussion",
        *wrap(
            "Our results suggest that the timing of meals, and not only their size, affects sleep in old mice. "
            "Whether the same holds for older people remains to be tested in randomised trials."
        ),
        "References",
        "[1] Smith J, Jones K. Sleep across the lifespan. J Fake Sleep Res. 2019;12:1-10.",
        "[2] Lee K, Park S. Meal timing and peripheral clocks. Fake Chronobiol Lett. 2020;4:55-61.",
        "[3] Brown A. A very long reference title that goes on and on until it continues on the next",
        "line of the list. Fake Rev. 2021;3:7-9.",
    ],
]


def build_pdf(
    path: Path,
    pages: list[list[str]],
    *,
    header: str | None = HEADER,
    footer: bool = True,
    title: str | None = None,
) -> Path:
    """Write a real PDF with reportlab, one drawn line per entry of ``pages``."""
    canvas_mod = pytest.importorskip("reportlab.pdfgen.canvas")
    from reportlab.lib.pagesizes import A4

    pdf = canvas_mod.Canvas(str(path), pagesize=A4)
    if title:
        pdf.setTitle(title)
    for number, lines in enumerate(pages, 1):
        if header:
            pdf.setFont("Helvetica", 8)
            pdf.drawString(72, 810, header)
        pdf.setFont("Helvetica", 10)
        y = 770
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 14
        if footer:
            pdf.setFont("Helvetica", 8)
            pdf.drawString(270, 30, f"Page {number} of {len(pages)}")
        pdf.showPage()
    pdf.save()
    return path


@pytest.fixture
def paper_pdf(tmp_path: Path) -> Path:
    return build_pdf(tmp_path / "feeding-paper.pdf", PAPER_PAGES)
