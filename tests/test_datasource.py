"""Where the data comes from: CSP_WORKBOOK, else the newest published version, else the sample."""
import pytest

import datasource
from builders import workbook_bytes
from loaders import WorkbookUnreadable
from store import Store


def test_sample_when_nothing_else(tmp_path):
    source = datasource.locate()
    assert source.kind == "sample" and source.is_sample
    assert "illustrative" in source.describe()


def test_newest_published_version_beats_the_sample(tmp_path, monkeypatch):
    store = Store(tmp_path / "store")
    first = workbook_bytes(partnerships=["North", "South"])
    second = workbook_bytes(partnerships=["North", "South", "East"])
    store.publish(first, "first.xlsx", "Ana", "one")
    store.publish(second, "second.xlsx", "Ben", "two")
    source = datasource.locate()
    assert (source.kind, source.version, source.who, source.filename) == ("store", 2, "Ben", "second.xlsx")
    assert datasource.read_bytes(source) == second
    assert "version 2" in source.describe() and "Ben" in source.describe()


def test_environment_variable_beats_the_store(tmp_path, monkeypatch):
    Store(tmp_path / "store").publish(workbook_bytes(), "published.xlsx", "Ana")
    path = tmp_path / "mine.xlsx"
    workbook_bytes(path=path, partnerships=["Only"])
    monkeypatch.setenv("CSP_WORKBOOK", str(path))
    source = datasource.locate()
    assert (source.kind, source.filename) == ("env", "mine.xlsx")
    assert datasource.read_bytes(source) == path.read_bytes()


def test_a_changed_file_gets_a_new_cache_key(tmp_path, monkeypatch):
    path = tmp_path / "mine.xlsx"
    workbook_bytes(path=path)
    monkeypatch.setenv("CSP_WORKBOOK", str(path))
    before = datasource.locate().key
    workbook_bytes(path=path, partnerships=["A", "B", "C", "D", "E"])
    assert datasource.locate().key != before


def test_a_missing_file_is_a_plain_message(tmp_path, monkeypatch):
    monkeypatch.setenv("CSP_WORKBOOK", str(tmp_path / "gone.xlsx"))
    with pytest.raises(WorkbookUnreadable, match="does not exist"):
        datasource.read_bytes(datasource.locate())
