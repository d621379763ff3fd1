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
        # an inline enumeration used to be taken as a heading and dropped; items keep their numbers
        ("Study finds\n\nIntro sentence here.\n\n1. The first item 2. The second item",
         ["1. The first item", "2. The second item"]),
    ],
)  # fmt: skip
def test_list_claims_are_sentences_of_their_own(nlp, text, claims):
    doc = annotate(Document("story", "news", "", text), nlp)
    sentences = doc.sentence_texts()
    for claim in claims:
        assert claim in sentences, (claim, sentences)


def _split(text: str, spans: list[tuple[int, int]] | None = None) -> list[str]:
    return [text[a:b] for a, b in repair_boundaries(text, spans or [(0, len(text))])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a dotted abbreviation that ends the sentence, before a common sentence start (issue 16: "U.S. How")
        ("We moved to the U.K. Where do you live?", ["We moved to the U.K.", "Where do you live?"]),
        ("She works for the U.K. Home Office.", ["She works for the U.K. Home Office."]),
        # a title after "P.M." starts a sentence; after a lowercase "a.m." it does not ("P.M. Mr.")
        ("The lab shut at 9 P.M. Dr. Lau left last.", ["The lab shut at 9 P.M.", "Dr. Lau left last."]),
        ("By 7 a.m. Dr. Lau had left.", ["By 7 a.m. Dr. Lau had left."]),
        # the pronoun "I" ends a sentence, an initial does not ("I. Did")
        ("The winners were Ana and I. Did you enter?", ["The winners were Ana and I.", "Did you enter?"]),
        ("We met Carlos I. Romero at noon.", ["We met Carlos I. Romero at noon."]),
        # a variable or vitamin letter after a lowercase word ends a sentence too
        ("It lacked vitamin D. These mice were smaller.", ["It lacked vitamin D.", "These mice were smaller."]),
        # "et al." before a sentence start, and not before a year
        ("Data came from Tanaka et al. They used mice.", ["Data came from Tanaka et al.", "They used mice."]),
        ("Data came from Tanaka et al. (2019) in mice.", ["Data came from Tanaka et al. (2019) in mice."]),
        # a number with a molar unit ends a sentence
        ("The dose was 2.5 mM. Higher doses killed cells.", ["The dose was 2.5 mM.", "Higher doses killed cells."]),
        # never after a scientific abbreviation, a title or a list letter
        ("We thank Prof. Such for the strains.", ["We thank Prof. Such for the strains."]),
        ("Steps: a. These were washed; b. they were fixed.", ["Steps: a. These were washed; b. they were fixed."]),
        ("Copyright 2007 Elsevier B.V. All rights reserved.", ["Copyright 2007 Elsevier B.V. All rights reserved."]),
    ],
)  # fmt: skip
def test_repair_cuts_missed_boundaries_only_before_sentence_starts(text, expected):
    assert _split(text) == expected


def test_repair_numbered_items_inside_a_paragraph_are_sentences():
    text = "We asked two questions. 1. Do you smoke? 2. Do you drink?"
    assert _split(text) == ["We asked two questions.", "1. Do you smoke?", "2. Do you drink?"]
    # spaCy's own cut after the number ("1." | "Do you smoke?") is merged back
    assert _split(text, [(0, 26), (26, 40), (40, 43), (43, len(text))]) == _split(text)
    figures = "Mice slept more in Fig. 1. The rats did not in Fig. 2. The effect was small."
    assert len(_split(figures, [(0, 26), (27, 54), (55, len(figures))])) == 3, "figure numbers are not items"


def test_repair_ellipses():
    omission = "It was . . . I cannot say."
    assert _split(omission, [(0, 12), (13, len(omission))]) == [omission]
    four_dots = "We stopped . . . . Then we left."
    assert _split(four_dots, [(0, 18), (19, len(four_dots))]) == ["We stopped . . . .", "Then we left."]
    # an ellipsis after a period opens the next sentence
    text = "The door closed. . . . Nobody spoke."
    assert _split(text, [(0, 22), (23, len(text))]) == ["The door closed.", ". . . Nobody spoke."]


def test_repair_merges_a_bare_item_number_into_its_item():
    text = "2. Mix the flour."
    assert _split(text, [(0, 1), (1, len(text))]) == [text]
    text = "Our approach is two-fold: (i) We annotate the graph."
    assert _split(text, [(0, 29), (30, len(text))]) == [text]


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("1.) Heat the oven 2.) Mix the flour", ["1.) Heat the oven", "2.) Mix the flour"]),
        ("1) Heat the oven. 2) Mix the flour.", ["1) Heat the oven.", "2) Mix the flour."]),
        ("a. Heat the oven b. Mix the flour c. Bake it", ["a. Heat the oven", "b. Mix the flour", "c. Bake it"]),
        # bullets are left out of the items, numbers are kept
        ("• 7. Heat the oven • 8. Mix the flour", ["7. Heat the oven", "8. Mix the flour"]),
        ("\u20437. Heat the oven \u20438. Mix the flour", ["7. Heat the oven", "8. Mix the flour"]),
        ("- Heat the oven - then mix", ["Heat the oven - then mix"]),
    ],
)
def test_list_items_inline_forms(text, items):
    from sciwire.nlp.sentences import list_items

    assert [text[a:b] for a, b in list_items(text, 0, len(text))] == items
    assert list_items("b. Heat the oven c. Mix the flour", 0, 33) is None, "letters start at a"


GENERAL = [
    ("Where did you park? It is by the gate.", ["Where did you park?", "It is by the gate."]),
    ("My cousin studies in the U.K. Where do you study?", ["My cousin studies in the U.K.", "Where do you study?"]),
    ("The prize went to Sam and I. Have you met Robert I. Chan?",
     ["The prize went to Sam and I.", "Have you met Robert I. Chan?"]),
    ("By 6 a.m. Mr. Okoro had opened. He closed at 8 P.M. Mr. Okoro then left.",
     ["By 6 a.m. Mr. Okoro had opened.", "He closed at 8 P.M.", "Mr. Okoro then left."]),
    ("1.) Heat the oven. 2.) Mix the flour.", ["1.) Heat the oven.", "2.) Mix the flour."]),
    ("a. Heat the oven b. Mix the flour c. Bake it", ["a. Heat the oven", "b. Mix the flour", "c. Bake it"]),
    ("Well ... I suppose . . . we could try . . . I am not sure.",
     ["Well ... I suppose . . . we could try . . . I am not sure."]),
    ("A comparable design was used by Haddad et al. Their cohort was younger.",
     ["A comparable design was used by Haddad et al.", "Their cohort was younger."]),
    ("Participants answered two questions. 1. How often do you exercise? 2. Do you smoke?",
     ["Participants answered two questions.", "1. How often do you exercise?", "2. Do you smoke?"]),
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(("text", "expected"), GENERAL)
def test_spacy_pipeline_general_english_boundaries(nlp, text, expected):
    assert annotate(Document(id="t", kind="paper", title="", text=text), nlp).sentence_texts() == expected
