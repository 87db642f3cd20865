"""The SNOMED CT code list shipped in resources/snomed_codes.json, and the checks made when it is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linkworker import catalogues
from linkworker.catalogues import CatalogueError, load_snomed_codes
from linkworker.config import resources_dir
from linkworker.domain.errors import ValidationError
from linkworker.domain.gp_codes import GpCodeTrigger, SnomedCode


def test_the_shipped_list_holds_the_two_national_social_prescribing_codes():
    codes = catalogues.snomed_codes()
    assert [(code.code, code.term, code.trigger) for code in codes] == [
        ("871731000000106", "Referral to social prescribing service", GpCodeTrigger.FIRST_INTERACTION),
        ("871711000000103", "Social prescribing declined", GpCodeTrigger.DECLINED),
    ]
    for code in codes:
        assert isinstance(code, SnomedCode)
        assert code.guidance.endswith(".")


def test_the_codes_live_in_the_resources_folder_not_in_the_program():
    shipped = json.loads((resources_dir() / catalogues.SNOMED_FILE).read_text(encoding="utf-8"))
    assert [entry["code"] for entry in shipped["codes"]] == [code.code for code in catalogues.snomed_codes()]
    program = Path(catalogues.__file__).parent
    for source in program.rglob("*.py"):
        assert "871731000000106" not in source.read_text(encoding="utf-8"), source


def test_a_code_is_found_by_its_concept_id_and_an_unknown_one_is_a_validation_error():
    codes = catalogues.snomed_codes()
    assert codes.get("871711000000103").term == "Social prescribing declined"
    with pytest.raises(ValidationError) as refused:
        codes.get("22298006", field="gp_code")
    assert refused.value.field == "gp_code"
    assert "not one of the social prescribing codes" in refused.value.message


def test_the_list_is_frozen():
    code = catalogues.snomed_codes().codes[0]
    with pytest.raises(AttributeError):
        code.term = "changed"  # type: ignore[misc]


def _entry(code: str = "871731000000106", **changes: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "code": code,
        "term": "Referral to social prescribing service",
        "trigger": "first_interaction",
        "guidance": "Enter it.",
    }
    entry.update(changes)
    return {key: value for key, value in entry.items() if value is not None}


def _write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "snomed_codes.json"
    text = content if isinstance(content, str) else json.dumps(content)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_well_formed_file_loads_in_order_with_spaces_trimmed(tmp_path):
    path = _write(
        tmp_path,
        {
            "codes": [
                _entry("871711000000103", trigger="declined", term="  Social prescribing declined "),
                _entry(),
            ]
        },
    )
    loaded = load_snomed_codes(path)
    assert [code.code for code in loaded] == ["871711000000103", "871731000000106"]
    assert loaded.codes[0].term == "Social prescribing declined"
    assert loaded.codes[0].trigger is GpCodeTrigger.DECLINED
    assert len(loaded) == 2


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ("{not json", "cannot be read"),
        ("", "cannot be read"),
        ({"codes": []}, 'non-empty list under "codes"'),
        ({"needs": [_entry()]}, 'non-empty list under "codes"'),
        ([_entry()], 'non-empty list under "codes"'),
        ({"codes": {"871731000000106": "Referral"}}, 'non-empty list under "codes"'),
        ({"codes": ["871731000000106"]}, "code 1 must be an object"),
        ({"codes": [_entry(), _entry(term=None)]}, "code 2 has no term"),
        ({"codes": [_entry(guidance="   ")]}, "code 1 has no guidance"),
        ({"codes": [_entry(code=871731000000106)]}, "code 1 has no code"),
        ({"codes": [_entry(trigger=None)]}, "code 1 has no trigger"),
        ({"codes": [_entry("871731000000107")]}, "'871731000000107' is not a valid SNOMED CT concept id"),
        ({"codes": [_entry("871731 000000106")]}, "is not a valid SNOMED CT concept id"),
        ({"codes": [_entry(trigger="first_contact")]}, "use one of first_interaction, declined"),
        (
            {"codes": [_entry(), _entry(term="Again")]},
            "the code 871731000000106 is listed more than once",
        ),
    ],
)
def test_a_broken_file_is_refused_naming_the_file_and_the_problem(tmp_path, content, complaint):
    path = _write(tmp_path, content)
    with pytest.raises(CatalogueError) as refused:
        load_snomed_codes(path)
    assert str(path) in str(refused.value)
    assert complaint in str(refused.value)


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "snomed_codes.json"
    path.write_bytes(b'{"codes": [{"term": "Caf\xe9"}]}')
    with pytest.raises(CatalogueError, match="cannot be read"):
        load_snomed_codes(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CatalogueError, match="cannot be read"):
        load_snomed_codes(tmp_path / "absent.json")
