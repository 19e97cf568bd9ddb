"""Checkpoints: a chain's whole state, written atomically, restored bit for bit.

A checkpoint is one ``.npz`` file holding the configurations, the exact
overlap sums, the counters, every generator's bit-generator state (JSON), the
measurements taken so far and the run's parameters.  It is written to a
temporary file, flushed to disk and renamed over the old one, so a run killed
at any moment leaves either the previous checkpoint or the new one, never a
torn file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

__all__ = ["load", "restore_rngs", "rng_states", "save"]


def save(path, arrays: dict, meta: dict) -> None:
    """Write ``arrays`` and JSON-serializable ``meta`` to ``path`` atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as f:
        np.savez(f, __meta__=np.array(json.dumps(meta)), **arrays)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load(path) -> tuple[dict, dict]:
    """Read a checkpoint written by :func:`save`: ``(arrays, meta)``."""
    with np.load(Path(path), allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if k != "__meta__"}
        meta = json.loads(str(data["__meta__"]))
    return arrays, meta


def rng_states(rngs) -> list[dict]:
    """JSON-serializable bit-generator states of a list of generators."""
    return [g.bit_generator.state for g in rngs]


def restore_rngs(states: list[dict]) -> list[np.random.Generator]:
    """Generators in exactly the saved states."""
    out = []
    for st in states:
        bit_generator = getattr(np.random, st["bit_generator"])()
        bit_generator.state = st
        out.append(np.random.Generator(bit_generator))
    return out
