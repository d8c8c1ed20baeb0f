"""`python -m loaders check FILE [--json]`, run as a subprocess as an analyst or CI would."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from builders import make_sheets, workbook_bytes

REPO = Path(__file__).resolve().parents[1]
C1, C2 = "2020-2023", "2023-2026"


def check(path, *flags) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "loaders", "check", str(path), *flags], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def check_json(path) -> tuple[int, dict]:
    result = check(path, "--json")
    assert result.stderr == "" and "Traceback" not in result.stdout
    return result.returncode, json.loads(result.stdout)       # exactly one JSON object


def write(tmp_path, name="w.xlsx", **kwargs) -> Path:
    path = tmp_path / name
    workbook_bytes(make_sheets(**kwargs), path)
    return path


def assert_shape(obj: dict) -> None:
    assert set(obj) == {"ok", "errors", "warnings", "summary"} and isinstance(obj["ok"], bool)
    for problem in obj["errors"] + obj["warnings"]:
        assert set(problem) == {"sheet", "row", "column", "message", "record"}
        assert problem["record"] is None or (isinstance(problem["record"], str) and problem["record"])
        assert problem["sheet"] is None or isinstance(problem["sheet"], str)
        assert problem["row"] is None or type(problem["row"]) is int
        assert problem["column"] is None or isinstance(problem["column"], str)
        assert isinstance(problem["message"], str) and problem["message"]
    s = obj["summary"]
    assert set(s) == {"partnerships", "criteria", "cycles", "illustrative", "coverage", "submitted"}
    assert type(s["illustrative"]) is bool
    assert type(s["partnerships"]) is int and type(s["criteria"]) is int
    assert all(isinstance(c, str) for c in s["cycles"])
    for by_criterion in s["coverage"].values():
        for counts in by_criterion.values():
            assert all(type(n) is int and n >= 0 for n in counts.values())
    for by_partnership in s["submitted"].values():
        for date in by_partnership.values():
            assert date is None or dt.date.fromisoformat(date)


def test_good_workbook_exits_0_with_a_summary(tmp_path):
    path = write(tmp_path, scores={("North", C1): ["Fully met", None, 0]}, submitted={("South", C2): None})
    status, obj = check_json(path)
    assert status == 0
    assert_shape(obj)
    assert obj["ok"] is True and obj["errors"] == [] and obj["warnings"] == []
    s = obj["summary"]
    assert (s["partnerships"], s["criteria"], s["cycles"]) == (4, 3, [C1, C2])
    assert s["illustrative"] is False and "Illustrative" not in check(path).stdout
    # criterion 2 in 2020-2023: North blank, then Not met, Fully met, Partially met (default pattern)
    assert s["coverage"][C1]["2"] == {"Fully met": 1, "Partially met": 1, "Not met": 1, "Not assessed": 1}
    assert list(s["coverage"][C1]["1"]) == ["Fully met", "Partially met", "Not met", "Not assessed"]
    assert s["submitted"][C1] == {"North": "2020-03-22", "South": "2020-03-27", "East": "2020-04-01",
                                  "West": "2020-04-06"}
    assert s["submitted"][C2]["South"] is None


def test_coverage_counts_missing_rows_and_columns_as_not_assessed(tmp_path):
    sheets = make_sheets(scale=[(3, "Excellent", "yes"), (2, "Good", "yes"), (1, "Adequate", "partly"),
                                (0, "Weak", "no")])
    sheets["Scores"] = [[c for i, c in enumerate(row) if i != 3] for row in sheets["Scores"]   # no column 2
                        if row[:2] != ["West", C1]]                                              # no West row
    path = tmp_path / "w.xlsx"
    workbook_bytes(sheets, path)
    status, obj = check_json(path)
    assert status == 0 and len(obj["warnings"]) == 2
    coverage = obj["summary"]["coverage"][C1]
    assert coverage["2"] == {"Excellent": 0, "Good": 0, "Adequate": 0, "Weak": 0, "Not assessed": 4}
    assert sum(coverage["1"].values()) == 4 and coverage["1"]["Not assessed"] == 1


def test_warnings_alone_still_exit_0(tmp_path):
    path = write(tmp_path, submitted={("North", C1): dt.date(2018, 1, 1)})
    status, obj = check_json(path)
    assert status == 0 and obj["ok"] and obj["warnings"][0]["row"] == 2
    text = check(path)
    assert text.returncode == 0
    assert ("Sheet Submissions, row 2 (North, 2020-2023), column C (Submitted): Submitted 1 January 2018 is before"
            in text.stdout)


def test_bad_workbook_exits_1_and_lists_every_error(tmp_path):
    sheets = make_sheets()
    sheets["Scores"][6][3] = "Brilliant"           # Excel row 7, column D
    sheets["Submissions"][1][0] = "Nowhere"
    path = tmp_path / "bad.xlsx"
    workbook_bytes(sheets, path)
    status, obj = check_json(path)
    assert status == 1
    assert_shape(obj)
    assert obj["ok"] is False and len(obj["errors"]) == 2
    assert {"sheet": "Scores", "row": 7, "column": "D (2)", "record": "South, 2023-2026"}.items() <= \
        obj["errors"][1].items()
    text = check(path)
    assert text.returncode == 1 and text.stderr == ""
    assert "cannot be used until the errors are fixed (2 errors, 1 warning)" in text.stdout
    assert "Sheet Scores, row 7 (South, 2023-2026), column D (2): 'Brilliant' is not on the scale" in text.stdout
    assert ("Sheet Submissions, row 2 (Nowhere, 2020-2023), column A (Partnership): 'Nowhere' is not a partnership"
            in text.stdout)


def test_each_problem_row_says_whose_record_it_is_as_written(tmp_path):
    sheets = make_sheets()
    sheets["Scores"][6][3] = "Brilliant"                       # Excel row 7: South, 2023-2026
    sheets["Scores"][3][0] = "  glasgw "                        # row 4: a name that matches nothing, as typed
    sheets["Submissions"][2][1] = ""                            # row 3: no cycle: the partnership alone
    path = tmp_path / "bad.xlsx"
    workbook_bytes(sheets, path)
    status, obj = check_json(path)
    records = {(p["sheet"], p["row"]): p["record"] for p in obj["errors"] + obj["warnings"]}
    assert records[("Scores", 7)] == "South, 2023-2026"
    assert records[("Scores", 4)] == "glasgw, 2020-2023"
    assert records[("Submissions", 3)] == "South"
    # problems not about one row of Scores or Submissions name no record
    assert all(p["record"] is None for p in obj["warnings"] if p["row"] is None)


@pytest.mark.parametrize("flags", [(), ("--json",)])
def test_a_pipe_closed_early_ends_without_a_traceback(tmp_path, flags):
    """`python -m loaders check FILE | head -1`: the reader has gone before anything is written."""
    sheets = make_sheets()
    sheets["Scores"] += [[f"Nowhere {i}", C2, "Fully met", "Fully met", "Fully met"] for i in range(300)]
    path = tmp_path / "many.xlsx"
    workbook_bytes(sheets, path)
    proc = subprocess.Popen([sys.executable, "-m", "loaders", "check", str(path), *flags], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()                                         # closed long before the check ends
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1                          # still "it has errors"
    assert stderr == ""                                         # no traceback, no "Exception ignored"


@pytest.mark.parametrize("content", [None, b"", b"name,cycle\nFife,2020-2023\n", b"PK\x03\x04broken"])
def test_unreadable_file_exits_2(tmp_path, content):
    path = tmp_path / "x.xlsx"
    if content is not None:
        path.write_bytes(content)
    status, obj = check_json(path)
    assert status == 2
    assert_shape(obj)
    assert obj["ok"] is False and len(obj["errors"]) == 1 and obj["errors"][0]["sheet"] is None
    text = check(path)
    assert text.returncode == 2 and "cannot be read" in text.stdout and "Traceback" not in text.stdout + text.stderr


def test_sample_workbook_checks_clean():
    sample = REPO / "data" / "sample-review.xlsx"
    status, obj = check_json(sample)
    assert status == 0 and obj["ok"]
    assert_shape(obj)
    assert obj["summary"]["illustrative"] is True  # its About sheet says the scores are made up
    assert "Illustrative data: every per-partnership score and date" in check(sample).stdout


def test_unexpected_failure_is_exit_2_without_traceback(tmp_path):
    path = write(tmp_path)
    code = ("import sys, loaders.check as c\n"
            "def boom(*a, **k): raise RuntimeError('disk on fire')\n"
            "c.read_workbook = boom\n"
            f"sys.exit(c.main(['check', {str(path)!r}, '--json']))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "disk on fire" in json.loads(result.stdout)["errors"][0]["message"]


def test_usage_errors_are_not_tracebacks():
    result = subprocess.run([sys.executable, "-m", "loaders"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "usage" in result.stderr and "Traceback" not in result.stderr


def test_an_ods_is_checked_as_its_xlsx_is():
    """LibreOffice Calc's own .ods of tests/data/messy-review.xlsx: the same report, problem for problem."""
    data = REPO / "tests" / "data"
    status, obj = check_json(data / "messy-review.ods")
    assert status == 1
    assert_shape(obj)
    assert (status, obj) == check_json(data / "messy-review.xlsx")
    assert {"sheet": "Scores ", "row": 10, "column": "C (1. Criterion 1)"}.items() <= obj["errors"][2].items()
    text = check(data / "messy-review.ods")
    assert text.returncode == 1 and text.stderr == ""
    assert "Sheet Scores , row 6 (Sowth, 2020-2023), column A (partnership): 'Sowth' is not a partnership" in text.stdout


def test_a_good_ods_exits_0_and_a_password_protected_one_2(tmp_path):
    from builders import ods_bytes

    path = tmp_path / "good.ods"
    path.write_bytes(ods_bytes(make_sheets()))
    status, obj = check_json(path)
    assert status == 0 and obj["ok"] and obj["summary"]["partnerships"] == 4
    status, obj = check_json(REPO / "tests" / "data" / "encrypted-review.ods")
    assert status == 2 and "password-protected" in obj["errors"][0]["message"]
    text = check(REPO / "tests" / "data" / "encrypted-review.ods")
    assert text.returncode == 2 and "LibreOffice Calc" in text.stdout and "Traceback" not in text.stdout + text.stderr
