"""The learning_digits figure: its quick run against theory."""

from __future__ import annotations

import json


def test_digit_networks_learn_and_higher_P_separates_the_classes(made):
    tmp_path = made("learning_digits")
    meta = json.loads((tmp_path / "learning_digits.json").read_text())
    accuracy = meta["accuracy"]
    assert accuracy["P4_supervised"][0] > accuracy["P2_supervised"][0] + 0.2
    assert accuracy["P4_supervised"][0] > 0.4
