"""Synthetic articles (text written here for the reader benchmark) typeset as PDFs with reportlab.

Each :class:`Article` knows its ground truth (title, authors, section headings, prose
paragraphs, floats), so :mod:`readers` can score what the PDF reader gets back. The
layout is deliberately journal-like: title in large bold type, authors and affiliations,
an abstract, numbered bold headings, a numbered list, a table in small type with a caption,
a numbered display equation, footnotes in small type at the bottom of the column, a running
header and a "Journal | doi p / n" footer that is drawn *between* the two columns (so pypdf
meets it in the middle of the page text), in one or two columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class Part:
    """One item of a section: prose, a list item, a table, a caption, an equation or a footnote."""

    kind: str  # prose | item | table | caption | equation
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    footnote: str = ""  # drawn at the bottom of the column, marked in the text with its number


@dataclass(frozen=True)
class Article:
    """Ground truth of a synthetic article."""

    name: str
    title: str
    authors: tuple[str, ...]
    affiliations: tuple[str, ...]
    abstract: str
    sections: tuple[tuple[str, tuple[Part, ...]], ...]
    journal: str = "Journal of Synthetic Results"
    doi: str = "10.5555/synth.0001"

    def prose(self) -> list[str]:
        """Prose paragraphs and list items as a reader should give them back (footnote marks included)."""
        out = [self.abstract]
        number = 0
        for _, parts in self.sections:
            for part in parts:
                if part.kind in ("prose", "item"):
                    number += bool(part.footnote)
                    out.append(part.text.replace("[*]", str(number)))
        return out

    def floats(self) -> list[str]:
        """Footnotes, captions, table rows and equations."""
        out: list[str] = []
        for _, parts in self.sections:
            for part in parts:
                if part.footnote:
                    out.append(part.footnote)
                if part.kind in ("caption", "equation"):
                    out.append(part.text)
                out += [" ".join(row) for row in part.rows]
        return out


@dataclass
class _Layout:
    width: float
    height: float
    columns: int
    margin: float = 40.0
    gap: float = 18.0
    body_font: str = "Times-Roman"
    bold_font: str = "Times-Bold"
    body_size: float = 10.0
    pages: list[list[tuple[str, float, float, float, str]]] = field(default_factory=list)
    column: int = 0
    y: float = 0.0
    bottom: float = 0.0
    footnotes: list[list[tuple[str, float, str]]] = field(default_factory=list)

    @property
    def col_width(self) -> float:
        return (self.width - 2 * self.margin - (self.columns - 1) * self.gap) / self.columns

    def x(self) -> float:
        return self.margin + self.column * (self.col_width + self.gap)

    def new_page(self) -> None:
        self.pages.append([])
        self.footnotes.append([])
        self.column = 0
        self.y = self.height - self.margin - 20
        self.bottom = self.margin + 24

    def next_column(self) -> None:
        self.column += 1
        if self.column >= self.columns:
            self.new_page()
        else:
            self.y = self.height - self.margin - 20
            self.bottom = self.margin + 24

    def line(self, text: str, font: str, size: float, *, full: bool = False) -> None:
        if self.y - size * 1.3 < self.bottom:
            self.next_column()
        x = self.margin if full else self.x()
        self.pages[-1].append((text, x, self.y, size, font))
        self.y -= size * 1.3

    def paragraph(self, text: str, font: str, size: float, *, full: bool = False, space: float = 4) -> None:
        width = self.width - 2 * self.margin if full else self.col_width
        for piece in simpleSplit(text, font, size, width):
            self.line(piece, font, size, full=full)
        self.y -= space

    def footnote(self, number: int, text: str) -> None:
        size = self.body_size * 0.8
        lines = simpleSplit(f"{number}{text}", self.body_font, size, self.col_width)
        self.bottom += len(lines) * size * 1.3 + 2
        self.footnotes[-1].append((f"{number}{text}", self.column, self.body_font))


def typeset(
    article: Article, path: Path, *, columns: int = 1, ligature_font: bool = False, drop_ligatures: bool = False
) -> int:
    """Write ``article`` as a PDF; returns the number of pages.

    ``drop_ligatures`` writes the text without its "ffi", "fi", "fl" and "ff" letters, which is
    what a font whose ligature glyphs have no Unicode mapping gives a PDF reader ("Simplied").
    """
    size = (400.0, 330.0) if columns == 2 else (300.0, 430.0)  # small pages: several of them for the running lines
    layout = _Layout(size[0], size[1], columns, margin=30.0 if columns == 2 else 28.0)
    if columns == 2:
        layout.body_size, layout.gap = 7.5, 12.0
    if ligature_font:  # DejaVu has glyphs for U+FB01/U+FB02: the text keeps them as ligature characters
        pdfmetrics.registerFont(TTFont("DejaVu", str(DEJAVU / "DejaVuSerif.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(DEJAVU / "DejaVuSerif-Bold.ttf")))
        layout.body_font, layout.bold_font = "DejaVu", "DejaVu-Bold"

    def lig(text: str) -> str:
        if drop_ligatures:
            return re.sub("ffi|ffl|fi|fl|ff", "", text)
        return text.replace("ffi", "\ufb03").replace("fi", "\ufb01").replace("fl", "\ufb02") if ligature_font else text

    body, bold, fs = layout.body_font, layout.bold_font, layout.body_size
    layout.new_page()
    layout.paragraph(article.title, bold, fs * 1.6, full=True, space=6)
    layout.paragraph(", ".join(article.authors[:-1]) + f" and {article.authors[-1]}", body, fs * 1.1, full=True)
    for affiliation in article.affiliations:
        layout.paragraph(affiliation, body, fs * 0.9, full=True, space=1)
    layout.y -= 8
    layout.paragraph("Abstract", bold, fs * 1.1)
    layout.paragraph(lig(article.abstract), body, fs, space=8)
    number = 0
    for heading, parts in article.sections:
        layout.paragraph(heading, bold, fs * 1.1)
        for part in parts:
            if part.kind == "table":
                for row in part.rows:
                    layout.line("   ".join(row), body, fs * 0.8)
                layout.y -= 3
            elif part.kind == "caption":
                layout.paragraph(lig(part.text), body, fs * 0.9, space=6)
            elif part.kind == "equation":
                layout.paragraph(part.text, body, fs, space=6)
            else:
                text = lig(part.text)
                if part.footnote:
                    number += 1
                    layout.footnote(number, lig(part.footnote))
                    text = text.replace("[*]", str(number))
                layout.paragraph(text, body, fs, space=6)
    n_pages = len(layout.pages)
    pdf = Canvas(str(path), pagesize=size)
    pdf.setTitle("")
    for page_number, (lines, notes) in enumerate(zip(layout.pages, layout.footnotes, strict=True), 1):
        pdf.setFont(body, fs * 0.8)
        pdf.drawString(layout.margin, layout.height - layout.margin + 6, f"{article.journal} 12 (2026)")
        footer = f"{article.journal} | https://doi.org/{article.doi} December 6, 2026 {page_number} / {n_pages}"
        for i, (text, x, y, line_size, font) in enumerate(lines):
            if i and columns == 2 and x > layout.margin + 1 and lines[i - 1][1] <= layout.margin + 1:
                pdf.setFont(body, fs * 0.8)  # the footer between the columns: mid-page for pypdf
                pdf.drawString(layout.margin, layout.margin - 10, footer)
            pdf.setFont(font, line_size)
            pdf.drawString(x, y, text)
        if columns == 1 or not any(x > layout.margin + 1 for _, x, *_ in lines):
            pdf.setFont(body, fs * 0.8)
            pdf.drawString(layout.margin, layout.margin - 10, footer)
        note_size = fs * 0.8
        for column in range(columns):
            pieces = [
                piece
                for text, c, _ in notes
                if c == column
                for piece in simpleSplit(lig(text), body, note_size, layout.col_width)
            ]
            x = layout.margin + column * (layout.col_width + layout.gap)
            for k, piece in enumerate(pieces):  # drawn top-down, as a typesetter would
                pdf.setFont(body, note_size)
                pdf.drawString(x, layout.margin + 20 + (len(pieces) - 1 - k) * note_size * 1.3, piece)
        pdf.showPage()
    pdf.save()
    return n_pages


def _p(text: str, footnote: str = "") -> Part:
    return Part("prose", text, footnote=footnote)


ARTICLES: tuple[Article, ...] = (
    Article(
        name="voles",
        title="Burrow Depth and Winter Survival in Field Voles",
        authors=("Ada Lindqvist", "Ben Okafor", "Carla Mendes"),
        affiliations=(
            "Department of Ecology, University of Northfield, Northfield",
            "Institute of Soil Biology, Eastmoor",
        ),
        abstract=(
            "Small rodents survive cold winters by sheltering in burrows, but how deep a burrow must be to make a "
            "difference has rarely been measured in the field. We followed 212 field voles over three winters and "
            "recorded the depth of every burrow they used. Voles that used burrows deeper than 30 centimetres were "
            "twice as likely to survive until spring. The effect was strongest in the coldest winter and disappeared "
            "in the mildest one."
        ),
        sections=(
            (
                "1 Introduction",
                (
                    _p(
                        "Winter is the hardest season for small mammals in temperate regions. Their bodies lose heat "
                        "quickly, food is scarce, and predators find them more easily when the vegetation has died "
                        "back. "
                        "Many species dig burrows that buffer them against the cold, and the soil temperature rises "
                        "with depth during frost."
                    ),
                    _p(
                        "Earlier studies measured soil temperatures in the laboratory or counted burrows without "
                        "following the animals that used them.[*] We therefore do not know whether deeper burrows "
                        "actually improve survival in the wild, or whether strong animals simply dig deeper.",
                        footnote="Two older surveys counted burrow entrances only and did not mark any animals.",
                    ),
                ),
            ),
            (
                "2 Methods",
                (
                    _p(
                        "We trapped voles on four meadows each autumn and marked every animal with a small "
                        "transponder. "
                        "Readers placed at burrow entrances logged each visit, and we measured the depth of every "
                        "burrow with a flexible probe after the snow had melted."
                    ),
                    _p("The study followed a fixed routine on every meadow:"),
                    Part("item", "1. Traps were opened at dusk and checked at dawn on three nights in a row."),
                    Part("item", "2. Each new animal was weighed, sexed and marked before it was released."),
                    Part("item", "3. Burrow readers were checked every week until the snow arrived."),
                    _p(
                        "We modelled the probability of surviving the winter with a logistic regression on the deepest "
                        "burrow an animal used, its body mass in autumn and the winter of the study. The model has "
                        "the form of the following equation, where the coefficients are fitted per winter."
                    ),
                    Part("equation", "logit p = b0 + b1 depth + b2 mass (1)"),
                    _p(
                        "All procedures were approved by the animal welfare board of the university.[*] No animal was "
                        "injured by the transponders during the study.",
                        footnote="Approval number 17/2023, renewed once for the third winter of the study.",
                    ),
                ),
            ),
            (
                "3 Results",
                (
                    _p(
                        "Of the 212 voles we marked, 97 survived until spring. Survival rose steeply with burrow depth "
                        "up to about 30 centimetres and changed little beyond that depth."
                    ),
                    Part(
                        "table",
                        rows=(
                            ("Winter", "Voles", "Survived", "Deep burrows"),
                            ("2023", "71", "29", "0.41"),
                            ("2024", "68", "35", "0.52"),
                            ("2025", "73", "33", "0.47"),
                        ),
                    ),
                    Part(
                        "caption",
                        "Table 1: Voles marked and surviving in each winter, with the share using deep burrows.",
                    ),
                    _p(
                        "The effect of depth was largest in the coldest winter, when the soil froze to a depth of "
                        "twenty "
                        "centimetres for several weeks. In the mildest winter, deep and shallow burrows gave the same "
                        "chance of survival."
                    ),
                ),
            ),
            (
                "4 Discussion",
                (
                    _p(
                        "Deep burrows appear to protect field voles from frost, but only when the frost is severe. "
                        "Because body mass did not explain the effect, it is unlikely that only strong animals dug "
                        "deep burrows. Land management that keeps the soil loose may help voles in hard winters."
                    ),
                    _p(
                        "Our study has limits. We could not see inside the burrows, and a few animals may have died of "
                        "other causes before the frost began. Longer studies across more sites would show whether the "
                        "threshold of thirty centimetres holds in other soils."
                    ),
                ),
            ),
        ),
        doi="10.5555/synth.0001",
    ),
    Article(
        name="bees",
        title="Flower Colour Learning in Bumblebees after a Heat Wave",
        authors=("Dana Fischer", "Eli Novak"),
        affiliations=("School of Biological Sciences, Westbrook College, Westbrook",),
        abstract=(
            "Heat waves are becoming more frequent, and pollinators must keep finding food while they happen. We "
            "trained bumblebees from twelve colonies to link a flower colour with a sugar reward, either at normal "
            "temperature or after two days at 38 degrees. Bees exposed to heat needed about half as many visits "
            "again to learn the colour, and they forgot it sooner. Heat waves may therefore harm pollination even "
            "when the bees themselves survive."
        ),
        sections=(
            (
                "1 Introduction",
                (
                    _p(
                        "Bumblebees learn which flowers offer nectar by linking colour, scent and shape with a reward. "
                        "This learning lets them forage efficiently in a changing landscape, and it depends on a brain "
                        "that is sensitive to temperature."
                    ),
                    _p(
                        "Laboratory studies on honeybees showed that short heat shocks reduce learning, but bumblebees "
                        "are larger and better insulated.[*] Whether a realistic heat wave affects their learning has "
                        "not been tested so far.",
                        footnote="Bumblebees can also warm themselves by shivering their flight muscles.",
                    ),
                ),
            ),
            (
                "2 Materials and methods",
                (
                    _p(
                        "We kept twelve colonies in flight cages with artificial flowers of two colours. Half of the "
                        "colonies spent two days at 38 degrees before training, the other half stayed at 24 degrees. "
                        "Each bee was trained alone, and a visit counted as correct when it landed on the rewarded "
                        "colour."
                    ),
                    _p(
                        "Learning speed was measured as the number of visits a bee needed to reach a fixed level of "
                        "correct choices, defined by the following criterion."
                    ),
                    Part("equation", "n* = min { n : c(n) / n >= 0.8 } (1)"),
                    _p(
                        "We tested memory again after one, three and five days.[*] The order of the colours was "
                        "changed at random between the sessions.",
                        footnote="Memory tests used unrewarded flowers, so that they did not train the bees again.",
                    ),
                ),
            ),
            (
                "3 Results",
                (
                    _p(
                        "Bees from heated colonies needed more visits to learn the rewarded colour, and the difference "
                        "was clear in every colony."
                    ),
                    Part(
                        "table",
                        rows=(
                            ("Group", "Bees", "Visits", "Day 1", "Day 5"),
                            ("Control", "96", "14.2", "0.91", "0.78"),
                            ("Heat", "94", "21.5", "0.83", "0.55"),
                        ),
                    ),
                    Part("caption", "Table 1: Visits to learn and correct choices after one and five days."),
                    _p(
                        "Memory faded faster after heat. Five days after training, heated bees chose the right colour "
                        "little more often than chance, while control bees still chose it in most visits."
                    ),
                    _p("We list three findings that held in every colony:"),
                    Part("item", "1. Heated bees needed more visits to learn the colour."),
                    Part("item", "2. Heated bees forgot the colour sooner than control bees."),
                    Part("item", "3. Foraging flights were as long in both groups."),
                ),
            ),
            (
                "4 Conclusions",
                (
                    _p(
                        "A realistic heat wave impairs how bumblebees learn and remember flower colours, even "
                        "though the "
                        "bees fly and feed normally. Efficient foraging depends on such learning, so heat may reduce "
                        "pollination in ways that counts of surviving bees would miss. Field studies during real heat "
                        "waves should test this next."
                    ),
                ),
            ),
        ),
        journal="Westbrook Letters in Field Biology",
        doi="10.5555/synth.0002",
    ),
)
