"""hebbian.limits: one memory check; its limit from an argument, the environment or the machine."""

from __future__ import annotations

import math

import pytest

from hebbian import limits


def test_below_the_limit_passes_above_it_names_estimate_limit_and_override():
    limits.check_memory(2**20, "a small array", limit=2**30)
    with pytest.raises(ValueError, match="needs about") as info:
        limits.check_memory(3 * 2**30, "patterns (K=3, N=2)", limit=2**30)
    message = str(info.value)
    assert message.startswith("patterns (K=3, N=2) needs about 3.0 GiB")
    assert "above the memory limit of 1.0 GiB (the limit argument)" in message
    assert "HEBBIAN_MAX_MEMORY" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "n_bytes"),
    [
        ("1000", 1000),
        ("64G", 64 * 2**30),
        ("512MiB", 512 * 2**20),
        ("1.5 TB", 1.5 * 2**40),
        ("2k", 2048),
        ("none", math.inf),
        ("inf", math.inf),
    ],
)
def test_the_environment_variable_sets_the_limit(monkeypatch, text, n_bytes):
    monkeypatch.setenv("HEBBIAN_MAX_MEMORY", text)
    assert limits.memory_limit() == n_bytes
    assert limits.memory_limit(limit=5.0) == 5.0  # the argument wins


@pytest.mark.parametrize("text", ["lots", "-5G", "0", "5X"])
def test_a_bad_environment_variable_is_named(monkeypatch, text):
    monkeypatch.setenv("HEBBIAN_MAX_MEMORY", text)
    with pytest.raises(ValueError, match="HEBBIAN_MAX_MEMORY="):
        limits.memory_limit()


@pytest.mark.parametrize("limit", [0, -1, "1G", True, math.nan])
def test_a_bad_limit_argument_is_named(limit):
    with pytest.raises(ValueError, match="limit="):
        limits.memory_limit(limit)


def test_the_default_is_half_the_available_memory(monkeypatch):
    monkeypatch.delenv("HEBBIAN_MAX_MEMORY", raising=False)
    monkeypatch.setattr(limits, "available_memory", lambda: 8 * 2**30)
    assert limits.memory_limit() == 4 * 2**30
    with pytest.raises(ValueError, match=r"half of the available memory"):
        limits.check_memory(5 * 2**30, "x")


def test_available_memory_is_positive():
    assert limits.available_memory() > 0


@pytest.mark.parametrize(
    ("n", "text"),
    [(512, "512 B"), (2**20, "1.0 MiB"), (298 * 2**30, "298.0 GiB"), (math.inf, "unlimited")],
)
def test_format_bytes(n, text):
    assert limits.format_bytes(n) == text
