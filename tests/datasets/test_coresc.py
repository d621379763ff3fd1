from __future__ import annotations

from collections import Counter

import pytest

from sciwire.datasets.coresc import CORESC_CODES, load_coresc
from sciwire.errors import InputError


def test_missing_data_folder_gives_a_hint(tmp_path):
    with pytest.raises(InputError, match="Set SCIWIRE_DATA"):
        load_coresc(tmp_path)


def test_xml_and_table_must_agree(tmp_path):
    folder = tmp_path / "coresc"
    (folder / "xml").mkdir(parents=True)
    header = "paper_id\tdomain\tdefault_test_set\tannotation\tsid\tlabels\ttext\n"
    (folder / "sentences.tsv").write_text(header + "P1\tBiology\tFalse\tauto\t1\tRes\tMice slept.\n")
    (folder / "xml" / "P1_CoreSC.xml").write_text(
        '<PAPER><TITLE>T</TITLE><ABSTRACT><s sid="1"><CoreSc1 type="Res"/><text>Mice slept.</text></s></ABSTRACT>'
        '<BODY>\nIntroduction\n<s sid="2"><CoreSc1 type="Bac"/><text>Sleep matters.</text></s>\n</BODY></PAPER>'
    )
    with pytest.raises(InputError, match=r"the XML has 2 sentences, sentences\.tsv 1"):
        load_coresc(tmp_path)
    (folder / "sentences.tsv").write_text(
        header + "P1\tBiology\tFalse\tauto\t1\tRes\tMice slept.\nP1\tBiology\tFalse\tauto\t2\tBac\tSleep matters.\n"
    )
    (paper,) = load_coresc(tmp_path)
    assert paper.sections == ("abstract", "introduction")
    assert paper.labels == ("Res", "Bac") and paper.headings == ("Abstract", "Introduction")


@pytest.mark.data
def test_load_all_coresc_papers(data_dir):
    papers = load_coresc(data_dir)
    assert len(papers) == 99
    assert sum(len(p.sentences) for p in papers) == 28226
    assert len({p.domain for p in papers}) == 10
    labels = Counter(label for p in papers for label in p.labels)
    assert set(labels) == set(CORESC_CODES)
    assert labels.most_common(1)[0][0] == "Res"
    assert sum(p.sections[0] == "abstract" for p in papers) >= 98  # one paper has no abstract sentences
    assert all(len(p.sentences) == len(p.labels) == len(p.sections) for p in papers)
