"""The Examples sections of the docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import hebbian
from hebbian import mc, theory

MODULES = sorted(
    m.name
    for package in (hebbian, mc, theory)
    for m in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + ".")
    if m.name != "hebbian.cli"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
