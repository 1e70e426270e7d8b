"""Every vocabulary value has a Swedish label."""

from __future__ import annotations

import pytest

from placement.core.vocabulary import VOCABULARIES, PlacementForm, label


@pytest.mark.parametrize("vocabulary", VOCABULARIES, ids=lambda v: v.__name__)
def test_every_value_is_labelled(vocabulary: type) -> None:
    for member in vocabulary:
        assert label(member).strip()


def test_label() -> None:
    assert label(PlacementForm.STODBOENDE) == "stödboende"
