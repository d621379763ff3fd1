"""Ask the papers: hybrid BM25 + dense answer selection over a paper or a corpus."""

from sciwire.qa.api import ask
from sciwire.qa.retrieval import Answer, Retriever, check_question, reciprocal_rank_fusion

__all__ = ["Answer", "Retriever", "ask", "check_question", "reciprocal_rank_fusion"]
