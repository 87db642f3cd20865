"""The NHS pseudo-postcodes shipped in resources/pseudo_postcodes.json: the published vectors,
where each entry comes from, and the checks made when the file is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linkworker import catalogues
from linkworker.catalogues import CatalogueError, load_pseudo_postcodes
from linkworker.config import resources_dir
from linkworker.domain import postcode

# The published vectors: the HES data dictionary's field HOMEADD names the six UK codes, the
# NHS Data Dictionary's POSTCODE OF USUAL ADDRESS (May 2010) no fixed abode and India.
PUBLISHED = {
    "ZZ99 3VZ": "No fixed abode",
    "ZZ99 3WZ": "Address not known",
    "ZZ99 3CZ": "England or the UK, postcode not given",
    "ZZ99 1WZ": "Scotland, postcode not given",
    "ZZ99 2WZ": "Northern Ireland, postcode not given",
    "ZZ99 3GZ": "Wales, postcode not given",
    "ZZ99 6CZ": "Abroad: India",
}


def shipped() -> dict[str, object]:
    return json.loads((resources_dir() / catalogues.PSEUDO_POSTCODES_FILE).read_text(encoding="utf-8"))


def test_the_shipped_list_holds_the_published_codes_with_their_meanings() -> None:
    listed = catalogues.pseudo_postcodes()
    for code, meaning in PUBLISHED.items():
        assert listed.meaning(code) == meaning, code


@pytest.mark.parametrize(
    ("code", "meaning"),
    [
        ("ZZ99 3HZ", "Channel Islands, postcode not given"),
        ("ZZ99 3BZ", "Isle of Man, postcode not given"),
        ("ZZ99 3AZ", "Abroad: Ireland"),
        ("ZZ99 4QZ", "Abroad: Germany"),
        ("ZZ99 4HZ", "Abroad: Spain"),
        ("ZZ99 6RZ", "Abroad: Anguilla, British Virgin Islands, Montserrat or Turks and Caicos Islands"),
    ],
)
def test_country_codes_quoted_from_nhs_lists_are_named(code: str, meaning: str) -> None:
    assert catalogues.pseudo_postcodes().meaning(code) == meaning


def test_each_entry_names_its_source_and_the_file_says_the_country_list_is_incomplete() -> None:
    content = shipped()
    sources = content["sources"]
    assert isinstance(sources, dict)
    for key, source in sources.items():
        assert source["title"] and source["url"].startswith("https://"), key
        assert source["date"] and source["read"] in {"directly", "as quoted"}, key
    entries = content["postcodes"]
    assert isinstance(entries, list)
    for entry in entries:
        assert entry["sources"] and set(entry["sources"]) <= set(sources), entry["postcode"]
    directly = {
        entry["postcode"]
        for entry in entries
        if any(sources[s]["read"] == "directly" for s in entry["sources"])
    }
    assert directly == set(PUBLISHED)
    assert content["complete"] is False
    assert "ZZ99" in content["about"] and "not" in content["about"]


def test_every_listed_code_is_of_the_data_dictionarys_form_and_listed_once() -> None:
    codes = [entry.postcode for entry in catalogues.pseudo_postcodes()]
    assert len(codes) == len(set(codes)) >= len(PUBLISHED)
    assert all(postcode.is_pseudo(code) for code in codes)


def test_the_codes_live_in_the_resources_folder_not_in_the_program() -> None:
    program = Path(catalogues.__file__).parent
    for source in program.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "3VZ" not in text and "6CZ" not in text, source


def _write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "pseudo_postcodes.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def _file(*entries: dict[str, object]) -> dict[str, object]:
    return {
        "about": "Test list.",
        "complete": False,
        "sources": {
            "dd": {
                "title": "NHS Data Dictionary",
                "url": "https://example.org",
                "date": "2010-05",
                "read": "directly",
            }
        },
        "postcodes": list(entries)
        or [{"postcode": "ZZ99 3VZ", "meaning": "No fixed abode", "sources": ["dd"]}],
    }


def test_a_well_formed_file_loads_with_codes_in_canonical_form(tmp_path: Path) -> None:
    loaded = load_pseudo_postcodes(
        _write(tmp_path, _file({"postcode": "zz996cz", "meaning": " Abroad: India ", "sources": ["dd"]}))
    )
    assert [(entry.postcode, entry.meaning) for entry in loaded] == [("ZZ99 6CZ", "Abroad: India")]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "cannot be read"),
        ({"postcodes": []}, 'non-empty list under "postcodes"'),
        (
            _file({"postcode": "ME14 1XX", "meaning": "A place", "sources": ["dd"]}),
            "not an NHS pseudo-postcode",
        ),
        (_file({"postcode": "ZZ99 3VZ", "meaning": "", "sources": ["dd"]}), "has no meaning"),
        (_file({"postcode": "ZZ99 3VZ", "meaning": "No fixed abode", "sources": ["hes"]}), "unknown source"),
        (_file({"postcode": "ZZ99 3VZ", "meaning": "No fixed abode"}), "names no source"),
        (
            _file(
                {"postcode": "ZZ99 3VZ", "meaning": "No fixed abode", "sources": ["dd"]},
                {"postcode": "zz993vz", "meaning": "Again", "sources": ["dd"]},
            ),
            "listed more than once",
        ),
    ],
)
def test_a_broken_file_names_itself_and_the_problem(tmp_path: Path, content: object, problem: str) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(CatalogueError, match=problem) as raised:
        load_pseudo_postcodes(path)
    assert str(path) in str(raised.value)


def test_the_user_guide_lists_the_published_codes() -> None:
    guide = (Path(__file__).parents[2] / "docs" / "user-guide.md").read_text(encoding="utf-8")
    for code in PUBLISHED:
        assert f"**{code}**" in guide, code
    assert f"resources/{catalogues.PSEUDO_POSTCODES_FILE}" in guide
