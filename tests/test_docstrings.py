"""Docstrings: Examples sections run and give what they show; solver sections are complete."""

from __future__ import annotations

import doctest
import importlib
import inspect
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


def _public_functions(module):
    names = getattr(module, "__all__", [n for n in dir(module) if not n.startswith("_")])
    for name in names:
        obj = inspect.unwrap(getattr(module, name, None) or (lambda: None))  # functools.cache
        if inspect.isfunction(obj) and obj.__module__ == module.__name__:
            yield name, obj


THEORY = sorted(m.name for m in pkgutil.iter_modules(theory.__path__, prefix="hebbian.theory."))


@pytest.mark.parametrize("name", THEORY)
def test_theory_functions_document_parameters_and_returns(name):
    """Every public solver function has numpydoc Parameters and Returns sections."""
    module = importlib.import_module(name)
    missing = [
        f.__name__
        for _, f in _public_functions(module)
        if inspect.signature(f).parameters
        and not all(s in (f.__doc__ or "") for s in ("Parameters\n", "Returns\n"))
    ]
    assert not missing, f"{name}: {missing} lack a Parameters or Returns section"
