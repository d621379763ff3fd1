"""An optional LLM, used safely: grounded explanations of sciwire's verdicts and questions for authors.

Three backends behind one method (:mod:`sciwire.llm.backends`): llama-cpp-python in process
(SmolLM2-135M, offline), any OpenAI-compatible endpoint, Ollama's native API. Untrusted text is
cleaned and delimited (:mod:`sciwire.llm.sanitize`), answers must follow a JSON schema
(:mod:`sciwire.llm.prompts`) and every generated sentence is checked against the inputs
(:mod:`sciwire.llm.grounding`). See docs/llm.md and docs/security.md.
"""

from sciwire.llm.api import (
    Generated,
    StoryExplanation,
    explain,
    explain_analysis,
    explain_fidelity,
    questions_for_authors,
)
from sciwire.llm.backends import Backend, Reply, make_backend
from sciwire.llm.grounding import ground
from sciwire.llm.sanitize import clean_untrusted

__all__ = [
    "Backend",
    "Generated",
    "Reply",
    "StoryExplanation",
    "clean_untrusted",
    "explain",
    "explain_analysis",
    "explain_fidelity",
    "ground",
    "make_backend",
    "questions_for_authors",
]
