"""report.json is always valid JSON: a NaN or infinity is an error, never a bare ``NaN``."""

from __future__ import annotations

import pytest

from sciwire.errors import OutputError
from sciwire.report import write_report
from sciwire.report import writer as writer_module
from tests.report.test_report import make_analysis


def test_report_json_never_holds_bare_nan(tmp_path, monkeypatch):
    def with_nan(analysis):
        sentences = [{"score": 0.5}, {"score": float("nan")}]
        return {"paper": {"id": "paper"}, "stories": [{"id": "s", "sentences": sentences}]}

    monkeypatch.setattr(writer_module, "report_dict", with_nan)
    out = tmp_path / "out"
    with pytest.raises(
        OutputError,
        match=r"^report.json would hold a number that is not finite \(NaN or infinity\) at "
        r"report.stories.0.sentences.1.score, which is not valid JSON; nothing was written",
    ):
        write_report(make_analysis(), out)
    assert not out.exists() or not any(out.iterdir())
