"""News values as short descriptions, and how close an abstract comes to each.

The four news values rated by Nishal & Diakopoulos (2022) and the topics of human relevance
that science desks cover most are described below in a few plain sentences each. A value's
signal is the cosine similarity between the abstract's embedding and the mean embedding of
its descriptions (all-MiniLM-L6-v2 by default). They are *signals*, not judgements: "health"
means the abstract reads like research about health, not that a journalist would care.

Edit :data:`NEWS_VALUES` (or pass your own mapping) to express your desk's notion of
newsworthiness; the default model's weights are in ``models/newsworthiness_default``.

Example:
    >>> sorted(NEWS_VALUES)[:3]
    ['actuality', 'magnitude', 'surprise']
    >>> PHRASES["topic_health"]
    'health topic'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sciwire.analysis import Encoder

#: The news values of the study (name -> descriptions).
NEWS_VALUES: dict[str, tuple[str, ...]] = {
    "actuality": (
        "A new discovery reported for the first time: researchers found something nobody knew before.",
        "A breakthrough that changes what we know, with results that matter right now.",
        "The first study to show a new effect, a new species, a new technology or a new record.",
    ),
    "surprise": (
        "A surprising, unexpected or counter-intuitive finding that overturns common beliefs.",
        "A controversial result that challenges experts and contradicts earlier studies.",
        "Scientists were astonished: the finding is strange, puzzling or debated.",
    ),
    "magnitude": (
        "The finding affects millions of people around the world, a whole country or the entire planet.",
        "A large study of a big population, with consequences for society at a global scale.",
        "A widespread problem that touches many people's everyday lives.",
    ),
    "valence": (
        "Good or bad news for people: a new cure, a danger, a risk of death, a way to save lives.",
        "The results could make people healthier, safer, richer or happier, or warn them of harm.",
        "Practical consequences for ordinary people, patients, parents, children or consumers.",
    ),
}
#: Topics of human relevance (name -> descriptions).
TOPICS: dict[str, tuple[str, ...]] = {
    "health": (
        "Health and medicine: disease, patients, treatments, drugs, vaccines, hospitals and doctors.",
        "How to live longer and healthier: risk of cancer, heart disease, dementia, obesity or infection.",
    ),
    "environment": (
        "Climate change, global warming, pollution, extreme weather, wildfires, floods and the environment.",
        "Carbon emissions, melting ice, sea level rise, forests, oceans and the future of the planet.",
    ),
    "animals": (
        "Animals and nature: wildlife, birds, insects, fish, pets, dogs, cats and animal behaviour.",
        "Endangered species, biodiversity, evolution of animals and life in the wild.",
    ),
    "space": (
        "Space and astronomy: planets, stars, galaxies, black holes, the Moon, Mars and the universe.",
        "Telescopes, space missions, astronauts, exoplanets and the search for life beyond Earth.",
    ),
    "money": (
        "Money and the economy: jobs, income, prices, costs, markets, inequality and poverty.",
        "How much things cost people, businesses and governments; economic growth and financial crises.",
    ),
    "safety": (
        "Safety and risk: accidents, disasters, earthquakes, crime, violence, war and security.",
        "Dangers to the public: toxic chemicals, unsafe products, cyber attacks and emergencies.",
    ),
    "food": (
        "Food and diet: what we eat and drink, nutrition, coffee, alcohol, sugar, meat and farming.",
        "Eating habits, cooking, hunger, crops and how diet affects the body.",
    ),
    "technology": (
        "Technology in everyday life: smartphones, social media, the internet, robots and artificial intelligence.",
        "Gadgets, apps, self-driving cars, batteries and new inventions that people will use.",
    ),
    "society": (
        "People and society: behaviour, psychology, relationships, children, parents, education and work.",
        "How people think, feel, learn, sleep, vote, communicate and live together.",
    ),
    "past": (
        "The human past: archaeology, ancient civilisations, fossils, dinosaurs, human evolution and history.",
        "Ancient bones, graves, tools and DNA that reveal how our ancestors lived.",
    ),
}
#: Words a journalist understands for each signal (used by the explanations).
PHRASES: dict[str, str] = {
    "nv_actuality": "new discovery",
    "nv_surprise": "surprising or controversial finding",
    "nv_magnitude": "affects many people",
    "nv_valence": "clear good or bad news for people",
    **{f"topic_{name}": f"{name} topic" for name in TOPICS},
    "topic_environment": "climate or environment topic",
    "topic_money": "money or economy topic",
    "topic_society": "people and society topic",
    "topic_past": "human past or fossils topic",
}


def signal_names(
    values: Mapping[str, Sequence[str]] = NEWS_VALUES, topics: Mapping[str, Sequence[str]] = TOPICS
) -> list[str]:
    """Column names of the signals: ``nv_<value>`` then ``topic_<topic>``."""
    return [f"nv_{v}" for v in values] + [f"topic_{t}" for t in topics]


class NewsValueScorer:
    """Cosine similarity of abstract embeddings to the mean embedding of each description set.

    Args:
        embedder: The shared embedder (its model must also embed the abstracts).
        values: News values (name -> descriptions); defaults to :data:`NEWS_VALUES`.
        topics: Topics (name -> descriptions); defaults to :data:`TOPICS`.

    Example:
        >>> from sciwire.backends.embeddings import Embedder
        >>> from sciwire.config import load_config
        >>> scorer = NewsValueScorer(Embedder.from_config(load_config()))  # cheap: descriptions embed on first use
        >>> scorer.names()[:2]
        ['nv_actuality', 'nv_surprise']
    """

    def __init__(
        self,
        embedder: Encoder,
        values: Mapping[str, Sequence[str]] = NEWS_VALUES,
        topics: Mapping[str, Sequence[str]] = TOPICS,
    ) -> None:
        self.embedder = embedder
        self.values = values
        self.topics = topics
        self._centroids: np.ndarray | None = None

    def names(self) -> list[str]:
        """Column names, in the order of :meth:`score`'s columns."""
        return signal_names(self.values, self.topics)

    def centroids(self) -> np.ndarray:
        """Unit-length mean embedding of each value's descriptions, shape ``(signals, dim)``."""
        if self._centroids is None:
            groups = [*self.values.values(), *self.topics.values()]
            flat = [d for g in groups for d in g]
            vecs = self.embedder.encode(flat)
            rows, pos = [], 0
            for g in groups:
                mean = vecs[pos : pos + len(g)].mean(axis=0)
                rows.append(mean / (np.linalg.norm(mean) or 1.0))
                pos += len(g)
            self._centroids = np.vstack(rows).astype(np.float32)
        return self._centroids

    def score(self, embeddings: np.ndarray) -> np.ndarray:
        """Cosine similarities, shape ``(len(embeddings), signals)`` (embeddings are unit length)."""
        return np.asarray(embeddings, dtype=np.float32) @ self.centroids().T
