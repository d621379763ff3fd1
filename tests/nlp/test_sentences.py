from __future__ import annotations

import pytest

from sciwire.document import Document, Section
from sciwire.nlp import annotate
from sciwire.nlp.sentences import looks_like_heading, paragraphs, repair_boundaries

TRICKY = [
    ("Smith et al. (2019) showed that fasting improves sleep [12].", 1),
    ("As shown in Fig. 2, mice slept 4.7 h longer (p < 0.05).", 1),
    ("This was approx. 23% more than controls, i.e. a large effect, e.g. in aged animals vs. young ones [3, 7].", 1),
    ("The odds ratio was 1.35 (95% CI 1.12–1.58; p = 0.003).", 1),
    ("We used the method of Lee et al. [4].", 1),
    ("Dr. Jones disagreed with Eq. 3 and Table 1. She said so twice.", 2),
    ("Sleep improved (see Figs. 2 and 3). Mice ate the same amount. Nothing else changed.", 3),
    ("The window was more than 12 h. Participants slept 6.5 h. Mice slept for 4.7 min (range 2 h. to 3 h.).", 3),
    # a measurement is not cut after its number (issue 16: "+284.1 | Da after reaction")
    ("The peptide mass increased by +284.1 Da after reaction with the probe, confirming covalent labelling.", 1),
    ("A mass shift of +284.1 Da. After reaction the adduct was stable.", 2),
]


def test_repair_merges_after_abbreviations_and_before_citations():
    text = "As shown in Fig. 2, mice slept longer [3]. Lee et al. agree."
    assert [text[a:b] for a, b in repair_boundaries(text, [(0, 17), (17, 43), (43, 60)])] == [
        "As shown in Fig. 2, mice slept longer [3].",
        "Lee et al. agree.",
    ]


def test_repair_keeps_real_boundaries_and_drops_blank_spans():
    text = "Mice slept. Rats woke.  "
    assert repair_boundaries(text, [(0, 11), (11, 22), (22, 24)]) == [(0, 11), (12, 22)]


def test_repair_merges_citation_only_fragment_and_unbalanced_bracket():
    text = "Results differ [ 3, 7]. Next one."
    assert [text[a:b] for a, b in repair_boundaries(text, [(0, 16), (16, 23), (23, 33)])] == [
        "Results differ [ 3, 7].",
        "Next one.",
    ]


def test_et_al_before_capitalised_word_is_a_boundary():
    text = "This was shown by Lee et al. The effect held."
    assert len(repair_boundaries(text, [(0, 28), (28, 45)])) == 2


def test_paragraphs_and_headings():
    text = "Head\n\nOne. Two.\n \nThree."
    assert [text[a:b] for a, b in paragraphs(text)] == ["Head", "One. Two.", "Three."]
    assert looks_like_heading("2.1 Animals and housing")
    assert not looks_like_heading("Mice slept longer.")


@pytest.mark.slow
@pytest.mark.parametrize(("sentence", "expected"), TRICKY)
def test_spacy_pipeline_splits_tricky_scientific_sentences(nlp, sentence, expected):
    doc = annotate(Document(id="t", kind="paper", title="", text=sentence), nlp)
    assert len(doc.sentences) == expected, doc.sentence_texts()


@pytest.mark.slow
def test_annotate_sections_headings_references_and_entities(nlp):
    text = (
        "Methods\n\nWe recruited 1,240 adults in Oxford. Smith et al. (2019) helped.\n\n"
        "References\n\n[1] Smith J. Sleep. J Fake Res. 2019;1:2-3.\n[2] Lee K. Food. 2020."
    )
    ref = text.index("References")
    doc = Document(
        id="t",
        kind="paper",
        title="",
        text=text,
        sections=(Section("methods", 0, ref, "Methods"), Section("references", ref, len(text), "References")),
    )
    out = annotate(doc, nlp)
    assert out.sentence_texts() == [
        "We recruited 1,240 adults in Oxford.",
        "Smith et al. (2019) helped.",
        "[1] Smith J. Sleep. J Fake Res. 2019;1:2-3.",
        "[2] Lee K. Food. 2020.",
    ]
    assert [out.section_of(s).name for s in out.sentences] == ["methods", "methods", "references", "references"]
    labels = {(out.span_text(e), e.label) for e in out.layer("entities")}
    assert ("Oxford", "GPE") in labels
    assert all(e.end <= ref for e in out.layer("entities")), "no NER inside the reference list"
    assert doc.sentences == (), "the input document is not modified"


def test_list_items_are_lists_and_headings_are_not():
    from sciwire.nlp.sentences import list_items

    text = "Coffee cuts risk by 30 percent\nTwo cups a day protect the heart"
    assert [text[a:b] for a, b in list_items(text, 0, len(text))] == [
        "Coffee cuts risk by 30 percent",
        "Two cups a day protect the heart",
    ]
    bullets = "- Drinking coffee cuts the risk of heart disease by 30 percent"
    assert [bullets[a:b] for a, b in list_items(bullets, 0, len(bullets))] == [bullets[2:]]
    for heading in ("2.1 Animals and housing", "Results", "1. Introduction", "3. Results 4. Discussion"):
        assert list_items(heading, 0, len(heading)) is None, heading


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        # a bulleted claim without final punctuation used to look like a heading and vanish
        ("Study finds\n\nThe key findings were clear:\n\n"
         "- Drinking coffee cuts the risk of heart disease by 30 percent\n\n- Two cups a day are enough",
         ["Drinking coffee cuts the risk of heart disease by 30 percent", "Two cups a day are enough"]),
        # two list lines used to become one sentence
        ("Study finds\n\nIntro sentence here.\n\n"
         "Coffee cuts heart disease risk by 30 percent\nTwo cups a day protect the heart",
         ["Coffee cuts heart disease risk by 30 percent", "Two cups a day protect the heart"]),
        # an inline enumeration used to be taken as a heading and dropped
        ("Study finds\n\nIntro sentence here.\n\n1. The first item 2. The second item",
         ["The first item", "The second item"]),
    ],
)  # fmt: skip
def test_list_claims_are_sentences_of_their_own(nlp, text, claims):
    doc = annotate(Document("story", "news", "", text), nlp)
    sentences = doc.sentence_texts()
    for claim in claims:
        assert claim in sentences, (claim, sentences)
