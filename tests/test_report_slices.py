"""The workbook and the page build their incident records a slice of the table at a time
(`Analysis.records_at`), never all at once: the slices they are built in change nothing."""

import pandas as pd
import pytest

import scope_gap
from scope_gap import analysis as analysis_module
from scope_gap.i18n import use_language
from scope_gap.reports import html as html_report
from scope_gap.reports.excel import render_xlsx
from scope_gap.reports.html import render_html_report


def incidents(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"X-{i}" for i in range(n)],
            "title": [f"incident {i}" for i in range(n)],
            "date": [
                "not a date" if i % 11 == 5 else ["2019-10", "", "2021", "2016"][i % 4]
                for i in range(n)
            ],
            "level": [["federal", "municipal", "", "provincial"][i % 4] for i in range(n)],
            "event_type": [["general_election", "", "leadership_race"][i % 3] for i in range(n)],
            "sources": [f"https://example.org/{i}" for i in range(n)],
        }
    )


def test_records_at_gives_the_records_of_the_rows_asked() -> None:
    import numpy as np

    result = scope_gap.analyze(incidents(40))
    rows = np.array([0, 3, 7, 8, 20, len(result.table) - 1])
    got = dict(result.records_at(rows))
    assert list(got) == rows.tolist()
    assert all(got[i] == result.incidents[i] for i in rows.tolist())
    assert list(result.records_at(np.array([], dtype=np.int64))) == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_reports_do_not_depend_on_the_slices(monkeypatch, language: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(html_report, "LIST_LIMIT", 9)  # lists cut inside a slice
    result = scope_gap.analyze(incidents(1_300))
    with use_language(language):
        whole = render_xlsx(result).data, render_html_report(result).data
        monkeypatch.setattr(analysis_module, "RECORD_SLICE", 7)
        sliced = render_xlsx(result).data, render_html_report(result).data
    assert sliced == whole


def test_the_page_writes_large_counts_as_the_language_does() -> None:
    result = scope_gap.analyze(incidents(2_000))
    gap = sum(s in ("out_of_scope", "context_only") for s in result.evaluation.status.tolist())
    assert gap > 999
    with use_language("fr"):
        from scope_gap.i18n import format_number

        page = render_html_report(result).data.decode("utf-8")
        assert f"({format_number(gap)})" in page and f"({gap})" not in page


def test_the_page_writes_numpy_counts_as_counts() -> None:
    import numpy as np

    with use_language("fr"):
        assert html_report.number(np.int64(24003)) == html_report.number(24003) != "24003"
    assert html_report.number(np.int64(24003)) == "24003"  # English: as the page always did
