"""The examples in docstrings are tests too: every module's doctests pass."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import golden_records
import matching
import mdm


def modules_with_doctests():
    for package in (matching, golden_records, mdm):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            if any(test.examples for test in doctest.DocTestFinder().find(module)):
                yield info.name


@pytest.mark.parametrize("name", sorted(set(modules_with_doctests())))
def test_the_docstring_examples_of_a_module_hold(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_doctests_are_found():
    assert len(set(modules_with_doctests())) >= 5
