"""A ranking as CSV and as one self-contained HTML page (every piece of paper text escaped).

Example:
    >>> from markupsafe import escape
    >>> str(escape("<script>"))
    '&lt;script&gt;'
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

from markupsafe import Markup, escape

from sciwire.errors import OutputError
from sciwire.newsworthiness.ranking import RankedPaper, Ranking
from sciwire.newsworthiness.ratings import VALUES
from sciwire.version import __version__

#: The four news values' calibrated probabilities follow ``vote_share`` (empty for the default model).
VALUE_COLUMNS = ("actuality", "surprise", "impact_magnitude", "impact_valence")
_VALUE_NAMES = dict(zip(VALUES, VALUE_COLUMNS, strict=True))
CSV_COLUMNS = ("rank", "id", "title", "score", "probability", "vote_share", *VALUE_COLUMNS, "reasons", "url", "source")
_SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)
_CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _cell(text: str) -> str:
    """Neutralise spreadsheet formulas ("=HYPERLINK(...)") in untrusted text."""
    return "'" + text if text.startswith(_CSV_FORMULA) else text


def _url(row: RankedPaper) -> str:
    paper = row.paper
    return paper.url or (f"https://doi.org/{paper.doi}" if paper.doi else "")


def _values(row: RankedPaper) -> list[str]:
    found = {_VALUE_NAMES.get(d.name, d.name): d.probability for d in row.dimensions}
    return [_fmt(found.get(c)) for c in VALUE_COLUMNS]


def _values_html(row: RankedPaper) -> Markup:
    """Each news value: calibrated probability, vote share and its strongest reason."""
    if not row.dimensions:
        return Markup("—")
    return Markup("<br>").join(
        Markup("{}: {} (votes {}){}").format(
            d.label,
            f"{100 * d.probability:.0f}%",
            f"{100 * d.vote_share:.0f}%",
            Markup(' <span class="{}">{}</span>').format("pos" if d.reason.contribution >= 0 else "neg", str(d.reason))
            if d.reason
            else "",
        )
        for d in row.dimensions
    )


def ranking_csv(ranking: Ranking) -> str:
    """The ranking as CSV text (header + one row per paper)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for row in ranking.papers:
        writer.writerow(
            [
                row.rank,
                _cell(row.paper.id),
                _cell(row.paper.title),
                _fmt(row.score),
                _fmt(row.probability),
                _fmt(row.vote_share),
                *_values(row),
                _cell(row.reasons_text()),
                _cell(_url(row)),
                _cell(row.paper.source),
            ]
        )
    return buf.getvalue()


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:70rem}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.45rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.note{color:#555;font-size:.9rem}.pos{color:#1b6e2e}.neg{color:#a33}.abs{color:#555;font-size:.85rem}
details summary{cursor:pointer;color:#2456a6}
"""


def ranking_html(ranking: Ranking, title: str = "Papers worth covering") -> str:
    """One self-contained HTML page: no scripts, no external resources, all text escaped."""
    rows = []
    for row in ranking.papers:
        url = _url(row)
        name = escape(row.paper.title or row.paper.id)
        link = (
            Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(url, name) if _SAFE_URL.match(url) else name
        )
        reasons = Markup("<br>").join(
            Markup('<span class="{}">{}</span>').format("pos" if r.contribution >= 0 else "neg", str(r))
            for r in row.reasons
        )
        abstract = Markup('<details><summary>abstract</summary><div class="abs">{}</div></details>').format(
            row.paper.abstract
        )
        rows.append(
            Markup(
                '<tr><td class="num">{}</td><td>{}<div class="abs">{}</div>{}</td><td class="num">{}</td>'
                '<td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>'
            ).format(
                row.rank,
                link,
                row.paper.id,
                abstract,
                _fmt(row.score),
                _fmt(row.probability) or "—",
                _fmt(row.vote_share) or "—",
                _values_html(row),
                reasons,
            )
        )
    page = Markup(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        "<title>{title}</title><style>{style}</style></head><body><h1>{title}</h1>"
        '<p class="note">Model: {model}. Showing {shown} of {total} papers. {note}</p>'
        "<table><thead><tr><th>#</th><th>paper</th><th>score</th><th>probability</th><th>vote share</th>"
        "<th>news values</th><th>top reasons</th></tr></thead><tbody>{rows}</tbody></table>"
        '<p class="note">Made by sciwire {version}.</p></body></html>\n'
    ).format(
        title=title,
        style=Markup(_STYLE),
        model=ranking.model_name,
        shown=len(ranking.papers),
        total=ranking.total,
        note=ranking.note,
        rows=Markup("").join(rows),
        version=__version__,
    )
    return str(page)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` atomically (temporary file, then rename).

    Raises:
        OutputError: When the file cannot be written.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise OutputError(f"Cannot write {path}: {exc}") from exc
    return path
