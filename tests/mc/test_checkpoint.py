"""Checkpoints are input: every way a file can be wrong is one clear ValueError, early.

``mc.run`` and ``mc.parallel_tempering`` share one run state and loop
(:mod:`hebbian.mc.runstate`): both resume bit for bit, whether stopped once,
many times or killed, and both refuse the same bad files.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from dataclasses import fields

import numpy as np
import pytest

import hebbian.mc.checkpoint as ckpt
from hebbian import Hopfield, SherringtonKirkpatrick, binary_patterns
from hebbian.mc import simulation, tempering
from hebbian.mc.checkpoint import FORMAT, VERSION
from hebbian.mc.sampler import ChainState
from hebbian.mc.simulation import run
from hebbian.mc.tempering import parallel_tempering

NET = Hopfield(binary_patterns(4, 60, rng=0))
ARGS = dict(T=0.3, n_sweeps=40, n_burnin=10, n_replicas=2, start="pattern", m0=0.9, rng=5)
#: a ladder whose burn-in (10 sweeps) is no whole number of rounds (3 sweeps)
PT_ARGS = dict(T=[0.3, 0.45, 0.7, 1.1], n_sweeps=40, n_burnin=10, exchange_every=3, rng=5)
SAMPLERS = {"run": (run, ARGS), "parallel_tempering": (parallel_tempering, PT_ARGS)}
UNUSABLE = "is not a usable checkpoint: {}; delete the file or pass another checkpoint path"


def assert_identical(a, b):
    """Every array, number and final chain state of two results, bit for bit."""
    for f in fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, ChainState):
            for name in ("sigma", "S", "counts"):
                assert np.array_equal(getattr(x, name), getattr(y, name)), name
            assert ckpt.rng_states(x.rngs) == ckpt.rng_states(y.rngs)
        elif isinstance(x, np.ndarray):
            assert np.array_equal(x, y), f.name
        else:
            assert x == y, f.name


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A complete checkpoint of NET with ARGS, and the result that wrote it."""
    path = tmp_path_factory.mktemp("ckpt") / "good.npz"
    return path, run(NET, **ARGS, checkpoint=path, checkpoint_every=7)


def _arrays(path) -> dict:
    with np.load(path) as data:
        return {k: data[k] for k in data.files}


def _craft(tmp_path, source, change, name="crafted.npz"):
    """Copy of ``source`` with ``change(arrays, meta)`` applied, written like a checkpoint."""
    arrays = _arrays(source)
    meta = json.loads(str(arrays.pop("__meta__")))
    change(arrays, meta)
    target = tmp_path / name
    np.savez(target, __meta__=np.array(json.dumps(meta)), **arrays)
    return target


@pytest.fixture
def no_sweeps(monkeypatch):
    """Fail the test if a sweep starts: refusals must come before any work."""

    def fail(*args, **kwargs):
        raise AssertionError("a sweep ran before the refusal")

    monkeypatch.setattr(simulation, "step", fail)
    monkeypatch.setattr(tempering, "step", fail)


def _refused(path, why, sampler="run", **kwargs):
    """``why`` is a regular expression for the reason in the one-line message."""
    function, args = SAMPLERS[sampler]
    with pytest.raises(ValueError, match=UNUSABLE.format(why)) as info:
        function(NET, **{**args, **kwargs}, checkpoint=path)
    assert "\n" not in str(info.value)


def test_the_complete_checkpoint_resumes_to_the_same_result(written):
    path, first = written
    again = run(NET, **ARGS, checkpoint=path)
    assert np.array_equal(first.energy, again.energy)
    assert np.array_equal(first.state.sigma, again.state.sigma)


def test_overlap_sums_that_disagree_with_the_configurations(tmp_path, written, no_sweeps):
    # the crafted file of the report: m_0 = -0.48 from sums that are not sigma's
    def flip_sums(arrays, meta):
        arrays["S"][0, 0] = -0.48 * NET.N

    _refused(_craft(tmp_path, written[0], flip_sums), "its overlap sums S disagree.*")


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda a, m: m.update(measured=-5), r"burned=10, measured=-5 are outside .*"),
        (lambda a, m: m.update(burned=3), "measured=40 before the burn-in ended"),
        (lambda a, m: m.update(measured=True), "its counters burned and measured are not .*"),
        (lambda a, m: m.update(measured="7"), "its counters burned and measured are not .*"),
        (lambda a, m: m.update(version=1), "it has format version 1, this version reads 2"),
        (lambda a, m: m.update(format="other"), "it is not a hebbian.mc checkpoint"),
        (lambda a, m: a["counts"].__setitem__((0, 1), -1), "its counters disagree .*"),
        (lambda a, m: a["counts"].__setitem__((1, 2), 3), "its counters disagree .*"),
        (lambda a, m: a["sigma"].__setitem__((0, 3), 0), "sigma has entries other than .*"),
        (lambda a, m: a["energy"].__setitem__((0, 0), np.nan), "its measurements hold NaN .*"),
        (lambda a, m: a["q"].__setitem__((0, 0), 2.0), r"its q series is outside \[-1, 1\]"),
        (lambda a, m: a["overlaps"].__setitem__(-1, 0.1), "its last measurement disagrees .*"),
        (lambda a, m: a.update(S=a["S"].astype(np.float32)), r"S is float32 \(2, 4\), this .*"),
        (lambda a, m: a.update(sigma=a["sigma"][:1]), r"sigma is int8 \(1, 60\), this .*"),
        (lambda a, m: a.pop("q"), r"it holds other arrays .*missing \['q'\].*"),
    ],
)
def test_inconsistent_files_are_refused(tmp_path, written, no_sweeps, change, why):
    _refused(_craft(tmp_path, written[0], change), why)


@pytest.mark.parametrize(
    ("state", "why"),
    [
        ({"bit_generator": "seed"}, "bit generator 'seed' is not one of MT19937, PCG64, .*"),
        ({"bit_generator": "RandomState"}, "bit generator 'RandomState' is not one of .*"),
        ({"bit_generator": "__class__"}, "bit generator '__class__' is not one of .*"),
        ({"bit_generator": "PCG64", "state": "x"}, "a PCG64 state is malformed .*"),
        (
            {"bit_generator": "PCG64", "state": {"state": -1, "inc": 1}, "has_uint32": 0},
            "a PCG64 state is malformed .*",
        ),
        ([1, 2], "bit generator None is not one of .*"),
    ],
)
def test_generator_states_are_made_only_by_numpy_from_an_allowlist(
    tmp_path, written, no_sweeps, monkeypatch, state, why
):
    called = []
    monkeypatch.setattr(np.random, "seed", lambda *a: called.append(a))

    def swap(arrays, meta):
        meta["rng_states"][0] = state

    _refused(_craft(tmp_path, written[0], swap), why)
    assert not called


def test_foreign_truncated_and_text_files(tmp_path, written, no_sweeps):
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, x=np.zeros(3))
    _refused(foreign, r"it holds other arrays than a checkpoint of this run .*")
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(written[0].read_bytes()[:700])
    _refused(truncated, r"it cannot be read \(BadZipFile.*")
    text = tmp_path / "notes.npz"
    text.write_text("not a checkpoint\n")
    _refused(text, r"it cannot be read \(BadZipFile.*")
    single = tmp_path / "single.npz"
    with open(single, "wb") as f:
        np.save(f, np.zeros(3))
    _refused(single, r"it cannot be read .*")
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, **{**_arrays(written[0]), "S": np.array([{"a": 1}], dtype=object)})
    _refused(pickled, r"S is object \(1,\), this run needs float64 \(2, 4\)")


def _with_member(tmp_path, source, name, header_shape, n_bytes):
    """``source`` with member ``name`` replaced by a float64 header and ``n_bytes`` of data."""
    path = tmp_path / f"{name}.npz"
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": header_shape}
    )
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == name + ".npy":
                data = header.getvalue() + bytes(n_bytes)  # the header holds the magic
            dst.writestr(info, data)
    return path


def test_a_crafted_header_cannot_make_it_allocate(tmp_path, written, no_sweeps):
    # S claims 10^12 entries: refused from its header, before anything is read
    huge = _with_member(tmp_path, written[0], "S", (10**12,), 64)
    _refused(huge, r"S is float64 \(1000000000000,\), this run needs float64 \(2, 4\)")
    # the right header, but the data stops short
    short = _with_member(tmp_path, written[0], "S", (2, 4), 16)
    _refused(short, r"it cannot be read \(ValueError: .*\)")


def test_other_parameters_and_other_patterns_are_named(tmp_path, written, no_sweeps):
    path = tmp_path / "copy.npz"
    shutil.copy(written[0], path)
    with pytest.raises(ValueError, match=r"other parameters \(differs in: T\)"):
        run(NET, **{**ARGS, "T": 0.4}, checkpoint=path)
    other = Hopfield(binary_patterns(4, 60, rng=1))
    with pytest.raises(ValueError, match=r"other parameters \(differs in: network\)"):
        run(other, **ARGS, checkpoint=path)
    with pytest.raises(ValueError, match=r"differs in: m0\)"):
        run(NET, **{**ARGS, "m0": 0.8}, checkpoint=path)


def test_a_directory_or_unwritable_path_fails_before_the_first_sweep(tmp_path, no_sweeps):
    with pytest.raises(ValueError, match=r"checkpoint='.*' is a directory; pass a file path"):
        run(NET, **ARGS, checkpoint=tmp_path)
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match=r"cannot be written \(.*\); pass a path in a writable"):
        run(NET, **ARGS, checkpoint=blocker / "run.npz")
    with pytest.raises(TypeError, match="checkpoint=5 must be a file path"):
        run(NET, **ARGS, checkpoint=5)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_fails_before_the_first_sweep(tmp_path, no_sweeps):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ValueError, match=r"cannot be written \(PermissionError"):
            run(NET, **ARGS, checkpoint=folder / "run.npz")
    finally:
        folder.chmod(0o700)


def test_a_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", full_disk)
    with pytest.raises(ValueError, match="No space left on device"):
        run(NET, **ARGS, checkpoint=tmp_path / "run.npz")
    assert list(tmp_path.iterdir()) == []


def die_after_saves(n: int) -> str:
    """Code for a child process that is SIGKILLed right after its n-th checkpoint save."""
    return textwrap.dedent(f"""
        import os, signal
        import hebbian.mc.checkpoint as ckpt
        from hebbian import Hopfield, binary_patterns
        original = ckpt.save
        calls = []
        def save_then_die(*a, **k):
            original(*a, **k)
            calls.append(1)
            if len(calls) == {n}:
                os.kill(os.getpid(), signal.SIGKILL)
        ckpt.save = save_then_die
    """)


def test_a_generator_run_resumes_in_a_new_process(tmp_path):
    path = tmp_path / "generator.npz"
    args = {**ARGS, "n_sweeps": 400}
    code = die_after_saves(3) + textwrap.dedent(f"""
        import numpy as np
        from hebbian.mc.simulation import run
        net = Hopfield(binary_patterns(4, 60, rng=0))
        args = {args!r}
        args["rng"] = np.random.default_rng(11)
        run(net, **args, checkpoint={str(path)!r}, checkpoint_every=50)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=300)
    assert proc.returncode == -9, proc.stderr.decode()
    with np.load(path) as data:
        assert json.loads(str(data["__meta__"]))["measured"] > 0
    generator = np.random.default_rng(11)
    resumed = run(NET, **{**args, "rng": generator}, checkpoint=path, checkpoint_every=50)
    assert resumed.params["rng"] == {
        "bit_generator": "PCG64",
        "entropy": 11,
        "spawn_key": [],
        "pool_size": 4,
        "n_children_spawned": 0,
    }
    uninterrupted = run(NET, **{**args, "rng": np.random.default_rng(11)})
    assert np.array_equal(resumed.energy, uninterrupted.energy)
    assert np.array_equal(resumed.state.sigma, uninterrupted.state.sigma)
    # the same Generator object now spawns other chains: not the run of the file
    with pytest.raises(ValueError, match=r"differs in: rng\).*a Generator object spawns"):
        run(NET, **{**args, "rng": generator}, checkpoint=path)


@pytest.mark.parametrize("name", ["MT19937", "PCG64DXSM", "Philox", "SFC64"])
def test_every_allowed_bit_generator_round_trips(tmp_path, name):
    make = lambda: np.random.Generator(getattr(np.random, name)(3))  # noqa: E731
    path = tmp_path / f"{name}.npz"
    full = run(NET, **{**ARGS, "rng": make()})
    run(NET, **{**ARGS, "rng": make()}, checkpoint=path)
    with np.load(path) as data:
        meta = json.loads(str(data["__meta__"]))
    assert meta["format"] == FORMAT
    assert meta["version"] == VERSION
    assert {s["bit_generator"] for s in meta["rng_states"]} == {name}
    again = run(NET, **{**ARGS, "rng": make()}, checkpoint=path)
    assert np.array_equal(full.energy, again.energy)


def test_a_checkpoint_needs_a_describable_generator(tmp_path, no_sweeps):
    class Custom(np.random.PCG64):
        pass

    with pytest.raises(ValueError, match="rng uses the bit generator Custom"):
        run(NET, **{**ARGS, "rng": np.random.Generator(Custom(1))}, checkpoint=tmp_path / "c")


def test_couplings_checkpoint_resumes(tmp_path):
    sk = SherringtonKirkpatrick.sample(30, rng=1)
    args = dict(T=0.8, n_sweeps=60, n_replicas=2, rng=2)
    path = tmp_path / "sk.npz"
    full = run(sk, **args)
    first = run(sk, **args, checkpoint=path, checkpoint_every=25)
    again = run(sk, **args, checkpoint=path)
    assert np.array_equal(full.energy, first.energy)
    assert np.array_equal(full.energy, again.energy)


# --------------------------------------------------------------------------
# both samplers: resume bit for bit, in pieces or after a kill
# --------------------------------------------------------------------------


class Stop(Exception):
    """Stands in for an interruption right after a checkpoint was written."""


@pytest.mark.parametrize("sampler", list(SAMPLERS))
@pytest.mark.parametrize(
    ("checkpoint_every", "backend"), [(1, "numba"), (4, "lockstep"), (7, "numba")]
)
def test_a_run_stopped_again_and_again_resumes_bit_for_bit(
    tmp_path, monkeypatch, sampler, checkpoint_every, backend
):
    function, args = SAMPLERS[sampler]
    args = {**args, "backend": backend}
    uninterrupted = function(NET, **args)
    original, writes = ckpt.save, []

    def save_then_stop(*a, **k):
        original(*a, **k)
        writes.append(1)
        if len(writes) % 3 == 0 and len(writes) <= 30:
            raise Stop

    monkeypatch.setattr(ckpt, "save", save_then_stop)
    path, pieces = tmp_path / "pieces.npz", 0
    while True:
        try:
            resumed = function(NET, **args, checkpoint=path, checkpoint_every=checkpoint_every)
            break
        except Stop:
            pieces += 1
    assert pieces >= 3
    assert_identical(uninterrupted, resumed)


@pytest.mark.parametrize("sampler", list(SAMPLERS))
def test_a_killed_process_resumes_bit_for_bit(tmp_path, sampler):
    function, args = SAMPLERS[sampler]
    args = {**args, "n_sweeps": 600}
    path = tmp_path / "killed.npz"
    code = die_after_saves(4) + textwrap.dedent(f"""
        from hebbian.mc import {sampler}
        net = Hopfield(binary_patterns(4, 60, rng=0))
        {sampler}(net, **{args!r}, checkpoint={str(path)!r}, checkpoint_every=50)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=300)
    assert proc.returncode == -9, proc.stderr.decode()
    assert not path.with_name(path.name + ".part").exists()
    with np.load(path) as data:
        assert json.loads(str(data["__meta__"]))["measured"] > 0
    resumed = function(NET, **args, checkpoint=path, checkpoint_every=50)
    assert_identical(function(NET, **args), resumed)


# --------------------------------------------------------------------------
# parallel tempering: its own arrays and counters are checked too
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tempered(tmp_path_factory):
    """A complete parallel-tempering checkpoint of NET with PT_ARGS, and its result."""
    path = tmp_path_factory.mktemp("ckpt") / "tempered.npz"
    return path, parallel_tempering(NET, **PT_ARGS, checkpoint=path, checkpoint_every=7)


def test_the_complete_tempering_checkpoint_resumes_to_the_same_result(tempered, no_sweeps):
    path, first = tempered
    assert_identical(first, parallel_tempering(NET, **PT_ARGS, checkpoint=path))


def _swap(name, index, value):
    return lambda a, m: a[name].__setitem__(index, value)


# 12 burn-in sweeps (4 rounds) and 13 measured rounds: 17 rounds, 9 on even pairs
@pytest.mark.parametrize(
    ("change", "why"),
    [
        (
            lambda a, m: a["slot"].__setitem__(0, a["slot"][1]),
            "its slot is not a permutation of the 4 chains",
        ),
        (_swap("swaps_attempted", 0, 8), "its swap counters disagree with 17 rounds done"),
        (_swap("swaps_attempted", 1, 9), "its swap counters disagree with 17 rounds done"),
        (_swap("swaps_accepted", 2, 10), "its swap counters disagree with 17 rounds done"),
        (_swap("swaps_accepted", 0, -1), "its swap counters disagree with 17 rounds done"),
        (_swap("direction", 0, 3), "its round-trip directions are not those of any run"),
        (lambda a, m: a["direction"].fill(0), "its round-trip directions are not those .*"),
        (lambda a, m: m.update(round_trips=-1), r"round_trips=-1 is not in \[0, 17\]"),
        (lambda a, m: m.update(round_trips=18), r"round_trips=18 is not in \[0, 17\]"),
        (lambda a, m: m.update(round_trips=True), r"round_trips=True is not in \[0, 17\]"),
        (lambda a, m: m.pop("round_trips"), r"round_trips=None is not in \[0, 17\]"),
        (
            lambda a, m: m.update(burned=4, measured=0),
            "burned=4 is not a whole number of rounds of 3",
        ),
        (
            lambda a, m: m["rng_states"].__setitem__(-1, {"bit_generator": "PCG64", "state": 1}),
            "a PCG64 state is malformed .*",
        ),
        (lambda a, m: m["rng_states"].pop(), "it holds no list of 5 generator states"),
        (_swap("energy", (-1, 0), -0.7), "its last measurement disagrees with its saved state"),
        (_swap("overlaps", (0, 1, 0), np.inf), "its measurements hold NaN or inf"),
        (
            lambda a, m: a.update(slot=a["slot"].astype(np.int32)),
            r"slot is int32 \(4,\), this run needs int64 \(4,\)",
        ),
        (lambda a, m: a.pop("direction"), r"it holds other arrays .*missing \['direction'\].*"),
    ],
)
def test_inconsistent_tempering_files_are_refused(tmp_path, tempered, no_sweeps, change, why):
    _refused(_craft(tmp_path, tempered[0], change), why, sampler="parallel_tempering")


def test_a_checkpoint_of_the_other_sampler_or_another_ladder_is_refused(
    tmp_path, written, tempered, no_sweeps
):
    _refused(
        written[0],
        r"it holds other arrays than a checkpoint of this run \(missing \['direction', "
        r"'slot', 'swaps_accepted', 'swaps_attempted'\], unexpected \['probed', 'q'\]\)",
        sampler="parallel_tempering",
    )
    _refused(tempered[0], r"it holds other arrays .*unexpected \['direction', .*")
    copy = tmp_path / "copy.npz"
    shutil.copy(tempered[0], copy)
    with pytest.raises(ValueError, match=r"other parameters \(differs in: T\)"):
        parallel_tempering(NET, **{**PT_ARGS, "T": [0.3, 0.45, 0.7, 1.2]}, checkpoint=copy)
    with pytest.raises(ValueError, match=r"other parameters \(differs in: start\)"):
        parallel_tempering(NET, **PT_ARGS, start=NET.patterns[0], checkpoint=copy)


def test_tempering_checkpoint_arguments_are_checked_before_any_sweep(tmp_path, no_sweeps):
    with pytest.raises(ValueError, match=r"checkpoint='.*' is a directory; pass a file path"):
        parallel_tempering(NET, **PT_ARGS, checkpoint=tmp_path)
    with pytest.raises(TypeError, match="checkpoint=5 must be a file path"):
        parallel_tempering(NET, **PT_ARGS, checkpoint=5)
    with pytest.raises(ValueError, match="checkpoint_every=0 must be >= 1"):
        parallel_tempering(NET, **PT_ARGS, checkpoint=tmp_path / "c.npz", checkpoint_every=0)
    with pytest.raises(TypeError, match="progress='yes' must be True or False"):
        parallel_tempering(NET, **PT_ARGS, progress="yes")

    class Custom(np.random.PCG64):
        pass

    rng = np.random.Generator(Custom(1))
    with pytest.raises(ValueError, match="rng uses the bit generator Custom"):
        parallel_tempering(NET, **{**PT_ARGS, "rng": rng}, checkpoint=tmp_path / "c.npz")
    assert list(tmp_path.iterdir()) == []
