"""Answers to ``sciwire analyze --question`` in the report: a step, its summary and its panel.

:class:`QuestionStep` answers each question from the analysed paper alone (the same hybrid
retrieval as ``sciwire ask --paper``) and writes an ``answers`` layer on the paper: one span
per answer sentence, label ``answer``, ``score`` = confidence, attrs ``question``,
``question_index``, ``rank``, ``section``, ``role`` (the CoreSC role when the discourse
step ran first), ``before`` and ``after`` (neighbouring sentences).

``report.json["summary"]["answers"]["questions"]`` lists, per question, its answers in rank order, and
report.html shows them in an "Answers" panel (every text escaped).

Example:
    >>> QuestionStep(["How many mice were studied?"]).name
    'answers'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from sciwire.analysis import ANSWERS
from sciwire.config import Config
from sciwire.document import Document, Span
from sciwire.errors import InputError
from sciwire.presentation import Panel, register_panel, register_summary
from sciwire.qa.retrieval import Retriever, check_question

if TYPE_CHECKING:
    from sciwire.pipeline import Analysis, StepContext

MAX_QUESTIONS = 20


class QuestionStep:
    """Answer questions from the analysed paper (runs after the discourse step, if any).

    Args:
        questions: English questions (checked up front: empty or non-English ones raise).
        top_k: Answers kept per question (default ``qa.top_k``).

    Raises:
        InputError: On no question, more than 20, or an empty or non-English one.
    """

    name = "answers"

    def __init__(self, questions: Sequence[str], top_k: int | None = None) -> None:
        if not questions:
            raise InputError("Give at least one question")
        if len(questions) > MAX_QUESTIONS:
            raise InputError(f"At most {MAX_QUESTIONS} questions per analysis, got {len(questions)}")
        self.questions = [check_question(q) for q in questions]
        self.top_k = top_k

    def warm_up(self, config: Config) -> None:
        """Nothing to load: the pipeline's embedder is reused."""

    def run(
        self, paper: Document, stories: Sequence[Document], context: StepContext
    ) -> tuple[Document, list[Document]]:
        """The paper with an ``answers`` layer; stories unchanged."""
        from sciwire.store import SQLiteStore

        if not paper.sentences:
            return paper, list(stories)
        embedder = context.embedder
        with SQLiteStore(":memory:") as store:
            store.add(paper, embedder.encode(paper.sentence_texts()), "analysis", embedder.model_key)
            retriever = Retriever(store, embedder, context.config.qa)
            spans = []
            for qi, question in enumerate(self.questions):
                for rank, answer in enumerate(retriever.ask(question, self.top_k), start=1):
                    sent = paper.sentences[answer.index]
                    attrs: dict[str, Any] = {
                        "question": question,
                        "question_index": qi,
                        "rank": rank,
                        "sentence": answer.index,
                        "section": answer.section,
                        "role": answer.role,
                        "before": list(answer.before),
                        "after": list(answer.after),
                    }
                    spans.append(Span(sent.start, sent.end, "answer", score=answer.confidence, attrs=attrs))
        return paper.with_layer(ANSWERS, spans), list(stories)


@register_summary("answers")
def answers_summary(analysis: Analysis) -> dict[str, Any] | None:
    """``report.json["summary"]["answers"]``: ``{"questions": [...]}``, each with its answers in rank order."""
    spans = analysis.paper.layer(ANSWERS)
    if not spans:
        return None
    out: dict[int, dict[str, Any]] = {}
    for span in sorted(spans, key=lambda s: (s.attrs["question_index"], s.attrs["rank"])):
        entry = out.setdefault(span.attrs["question_index"], {"question": span.attrs["question"], "answers": []})
        entry["answers"].append(
            {
                "text": analysis.paper.span_text(span),
                "sentence": span.attrs["sentence"],
                "confidence": span.score,
                "section": span.attrs["section"],
                "role": span.attrs["role"],
            }
        )
    return {"questions": list(out.values())}


@register_panel
def answers_panel(analysis: Analysis) -> Panel | None:
    """Each question with its answers in context; everything escaped."""
    summary = answers_summary(analysis)
    if not summary:
        return None
    spans = {(s.attrs["question_index"], s.attrs["rank"]): s for s in analysis.paper.layer(ANSWERS)}
    blocks = []
    for qi, entry in enumerate(summary["questions"]):
        items = []
        for rank, answer in enumerate(entry["answers"], start=1):
            span = spans[(qi, rank)]
            where = ", ".join(x for x in (answer["section"], answer["role"]) if x) or "no section"
            items.append(
                Markup(
                    '<li><span class="ctx">{0}</span> <mark>{1}</mark> <span class="ctx">{2}</span>'
                    "<br><small>{3} · confidence {4:.2f}</small></li>"
                ).format(
                    " ".join(span.attrs["before"]),
                    answer["text"],
                    " ".join(span.attrs["after"]),
                    where,
                    answer["confidence"] or 0.0,
                )
            )
        blocks.append(Markup("<h3>{0}</h3><ol>{1}</ol>").format(entry["question"], Markup("").join(items)))
    note = Markup('<p class="note">Sentences of the paper ranked by BM25 + MiniLM (see docs/qa.md).</p>')
    return Panel("Answers", Markup("").join(blocks) + note, order=70)
