"""The ``answers`` step of ``sciwire analyze --question``: answers from the analysed paper.

:class:`QuestionStep` answers each of the analysis' questions from the paper alone (the same
hybrid retrieval as ``sciwire ask --paper``) and writes an ``answers`` layer on the paper: one
span per answer sentence, label ``answer``, ``score`` = confidence, attrs ``question``,
``question_index``, ``rank``, ``section``, ``role`` (the CoreSC role when the discourse step ran
first), ``before`` and ``after`` (neighbouring sentences), ``answers`` (False when the paper does
not answer the question: the sentences are then only the closest it comes) and ``answerable``
(P(the paper answers it)). For a yes/no question, when the answer model has the decision (format 3), the
first answer's span also carries ``decision`` (yes, no, maybe or "the paper does not say"),
``decision_confidence``, ``decision_reason`` and ``decision_evidence`` (the sentence indices it was
decided from). :mod:`sciwire.qa.report` shows them.

Example:
    >>> step = QuestionStep()
    >>> step.name, step.reads, step.writes
    ('answers', ('sentences', 'embeddings'), ('answers',))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sciwire.analysis import ANSWERS, DISCOURSE, EMBEDDINGS, SENTENCES, BaseStep, ReportParts, StepContext, folder_label
from sciwire.config import Config
from sciwire.document import Document, Span
from sciwire.errors import InputError
from sciwire.fitting import resolve_model_folder
from sciwire.qa import report
from sciwire.qa.decision import decide, is_closed_question
from sciwire.qa.model import DEFAULT_FOLDER, load_answer_model
from sciwire.qa.retrieval import Retriever, check_question

MAX_QUESTIONS = 20


def check_questions(questions: Sequence[str]) -> list[str]:
    """The questions, stripped; raises on more than 20 or an empty or non-English one.

    Raises:
        InputError: On more than :data:`MAX_QUESTIONS` questions, or an empty or non-English one.
    """
    if len(questions) > MAX_QUESTIONS:
        raise InputError(f"At most {MAX_QUESTIONS} questions per analysis, got {len(questions)}")
    return [check_question(q) for q in questions]


class QuestionStep(BaseStep):
    """Answer the analysis' questions from the paper (after the discourse step, when it runs).

    Args:
        top_k: Answers kept per question (default ``qa.top_k``).
    """

    name = ANSWERS
    reads = (SENTENCES, EMBEDDINGS)
    optional_reads = (DISCOURSE,)
    writes = (ANSWERS,)

    def __init__(self, top_k: int | None = None) -> None:
        self.top_k = top_k

    def check_inputs(self, paper: Document, stories: Sequence[Document], questions: Sequence[str]) -> None:
        """Questions are checked before any model loads (at most 20, non-empty, English)."""
        check_questions(questions)

    def warm_up(self, config: Config) -> None:
        """Load the answer model (fusion weight and confidence)."""
        load_answer_model(config.qa.model)

    def run(
        self, paper: Document, stories: Sequence[Document], context: StepContext
    ) -> tuple[Document, list[Document]]:
        """The paper with an ``answers`` layer (none without questions); stories unchanged."""
        from sciwire.store import SQLiteStore

        questions = check_questions(context.questions)
        if not paper.sentences or not questions:
            return paper, list(stories)
        embedder = context.embedder
        with SQLiteStore(":memory:") as store:
            store.add(paper, embedder.encode(paper.sentence_texts()), "analysis", embedder.model_key)
            retriever = Retriever(store, embedder, context.config.qa)
            head = retriever.model.decision
            if head is not None and head.embedding_model != embedder.model_key:
                head = None
            spans = []
            for qi, question in enumerate(questions):
                answers = retriever.ask(question, self.top_k)
                decision = None
                if head is not None and answers and is_closed_question(question):
                    decision = decide(head, embedder, question, answers[: head.top_k])
                for rank, answer in enumerate(answers, start=1):
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
                        "answers": answer.answers,
                        "answerable": answer.answerable,
                    }
                    if decision is not None and rank == 1:
                        attrs["decision"] = decision.label
                        attrs["decision_confidence"] = decision.confidence
                        attrs["decision_reason"] = decision.reason
                        attrs["decision_evidence"] = [a.index for a in answers[: head.top_k]] if head else []
                    spans.append(Span(sent.start, sent.end, "answer", score=answer.confidence, attrs=attrs))
        return paper.with_layer(ANSWERS, spans), list(stories)

    def report_parts(self) -> ReportParts:
        """The answers' summary and panel."""
        return report.PARTS

    def model_folders(self, config: Config) -> dict[str, str]:
        """The answer model's folder (fusion weight and confidence)."""
        return {"qa": folder_label(resolve_model_folder(config.qa.model, DEFAULT_FOLDER))}
