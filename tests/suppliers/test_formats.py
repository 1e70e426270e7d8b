"""Register files are validated whole: every bad row and field is named, nothing is half-read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from placement.core.supplier_vocabulary import LABELS, VOCABULARIES
from suppliers.formats import Feed, FileRejected, parse_feed

SAMPLES = Path(__file__).parents[2] / "deploy" / "samples"

IVO_HEADER = (
    "unit_code,name,address,kommunkod,operation_kind,ownership,provider_orgnr,ivo_reference,age_min,age_max,"
    "sex,needs,places,manager_name,valid_from,valid_to,status,reported_occupancy,occupancy_reported_on\n"
)


@pytest.mark.parametrize(
    ("name", "feed", "keys"),
    [
        ("ivo.csv", Feed.IVO, ["U-1001", "U-1002", "U-1003"]),
        ("ivo.json", Feed.IVO, ["U-1001", "U-1003", "IVO-3.5.1-2026-0042"]),
        ("companies.csv", Feed.COMPANIES, ["5599000014", "5599000022", "5599000030"]),
        ("companies.json", Feed.COMPANIES, ["5599000014"]),
    ],
)
def test_sample_files_parse(name: str, feed: Feed, keys: list[str]) -> None:
    parsed = parse_feed(feed, (SAMPLES / name).read_bytes(), name=name)
    assert [r.key for r in parsed.records] == keys


def test_csv_and_json_say_the_same() -> None:
    from_csv = parse_feed(Feed.IVO, (SAMPLES / "ivo.csv").read_bytes(), name="ivo.csv").units[0]
    from_json = parse_feed(Feed.IVO, (SAMPLES / "ivo.json").read_bytes(), name="ivo.json").units[0]
    assert from_csv == from_json


def test_every_bad_row_and_field_is_named() -> None:
    content = IVO_HEADER + (
        "U-1,Bra,,0001,hvb_children,private,5599000014,IVO-1,13,17,any,,8,,2021-01-01,,valid,,\n"
        "U-2,Fel orgnr,,0001,hvb_children,private,5599000015,IVO-2,13,17,any,,8,,2021-01-01,,valid,,\n"
        "U-3,Omvänd ålder,,0001,hvb_children,private,5599000014,IVO-3,17,13,any,,8,,2021-01-01,,valid,,\n"
        "U-4,Okänd typ,,0001,hvb_kids,private,5599000014,IVO-4,13,17,any,alla,8,,2021-01-01,,valid,,\n"
        "U-1,Dubblett,,0001,hvb_children,private,5599000014,IVO-5,13,17,any,,8,,2021-01-01,,valid,,\n"
        "U-6,Villkor utan tillstånd,,0001,hvb_children,municipal,,,13,17,,,,,,,,,\n"
    )
    with pytest.raises(FileRejected) as rejected:
        parse_feed(Feed.IVO, content.encode(), name="ivo.csv")
    found = {(e.row, e.field) for e in rejected.value.errors}
    assert ("rad 3", "provider_orgnr") in found
    assert ("rad 4", "permit") in found
    assert ("rad 5", "operation_kind") in found
    assert ("rad 5", "permit.operation_kind") in found
    assert ("rad 5", "permit.needs.0") in found
    assert ("rad 6", "nyckel") in found
    assert ("rad 7", "permit_fields_without_ivo_reference") in found
    assert not any(row == "rad 2" for row, _ in found)
    report = rejected.value.report()
    assert report.startswith("Filen avvisades:")
    assert "Inget ändrades" in report


def test_missing_and_unknown_columns() -> None:
    with pytest.raises(FileRejected) as rejected:
        parse_feed(Feed.IVO, b"unit_code,name,colour\nU-1,X,blue\n", name="ivo.csv")
    assert {(e.field, e.message) for e in rejected.value.errors} >= {
        ("kommunkod", "Kolumnen saknas"),
        ("colour", "Okänd kolumn"),
    }


def test_truncated_json_is_rejected() -> None:
    content = (SAMPLES / "ivo.json").read_bytes()[:200]
    with pytest.raises(FileRejected, match="1 fel") as rejected:
        parse_feed(Feed.IVO, content, name="ivo.json")
    assert "inte giltig JSON" in rejected.value.errors[0].message


def test_empty_and_wrong_feed() -> None:
    with pytest.raises(FileRejected):
        parse_feed(Feed.IVO, b'{"units": []}', name="x.json")
    with pytest.raises(FileRejected) as rejected:
        parse_feed(Feed.COMPANIES, (SAMPLES / "ivo.json").read_bytes(), name="ivo.json")
    assert rejected.value.errors[0].message == "Okänd del av filen för detta register"


@pytest.mark.parametrize("vocabulary", VOCABULARIES, ids=lambda v: v.__name__)
def test_vocabulary_has_swedish_labels(vocabulary: type) -> None:
    for member in vocabulary:
        assert LABELS[member]


def test_records_without_the_later_fields_hash_as_before() -> None:
    """The permit's holder, dates and conditions and an officer's orgnr were added to the formats
    later: a record that does not use them keeps the hash it was stored with (computed before they
    existed), so an upgrade does not make every stored record look changed; one that uses them
    hashes differently."""
    document = json.loads((SAMPLES / "ivo.json").read_text())
    for key in ("holder_orgnr", "decided_on", "conditions"):
        del document["units"][0]["permit"][key]
    unit = parse_feed(Feed.IVO, json.dumps(document).encode(), name="ivo.json").units[0]
    assert unit.content_sha256().hex() == "727f1691e0b2098d6280934186426d8fd3465ae5a0f22bd0b488b5fbe3ffc4d0"
    provider = parse_feed(Feed.COMPANIES, (SAMPLES / "companies.json").read_bytes(), name="c.json").providers[
        0
    ]
    assert (
        provider.content_sha256().hex() == "c41b613f460e3aaa9e2afda022b96ddadfe3ab23ba7a670f823a1e744c1b7dd1"
    )
    with_holder = parse_feed(Feed.IVO, (SAMPLES / "ivo.json").read_bytes(), name="ivo.json").units[0]
    assert with_holder.content_sha256() != unit.content_sha256()
