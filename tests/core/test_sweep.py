"""Sweeps: validation before work, storage point by point, resume after a kill, executors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5netcdf
import h5py
import numpy as np
import pytest
import sweep_tasks
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

from hebbian.store import FORMAT, SweepFile, load
from hebbian.sweep import EXAMPLE, Sweep, SweepError, flatten

TESTS = Path(__file__).resolve().parents[1]
GRID = {"x": [-1.0, 0.5, 2.0], "k": [1, 2]}


def outputs(ds):
    """The computed outputs of a sweep Dataset (timings and provenance left out)."""
    out = ds.drop_vars("seconds")
    out.attrs = {k: ds.attrs[k] for k in ("task", "seed", "fixed", "complete")}
    return out


def test_a_sweep_stores_every_point_with_labels_and_provenance(tmp_path):
    ds = Sweep("sweep_tasks:noisy", GRID, {"label": "b"}, seed=7).run(tmp_path / "s.h5", workers=1)
    assert ds.sizes == {"x": 3, "k": 2, "draw_dim0": 3}
    assert ds["done"].all()
    assert ds.attrs["complete"] == 1
    assert ds.attrs["task"] == "sweep_tasks:noisy"
    np.testing.assert_array_equal(ds["square"].sel(x=2.0).values, [4.0, 8.0])
    assert ds["positive"].dtype == bool
    assert ds["text"].sel(x=0.5, k=2).item() == "b:0.5"
    assert ds["nested.k"].sel(k=2).values.tolist() == [2.0, 2.0, 2.0]
    assert "nested.skipped" not in ds  # None: nothing to store
    recorded = json.loads(ds.attrs["provenance"])
    for library in ("python", "hebbian", "numpy", "scipy", "h5py", "xarray"):
        assert recorded["versions"][library]
    assert recorded["argv"] == sys.argv
    assert {"git_commit", "host", "created"} <= set(recorded)


def test_a_sweep_file_is_netcdf_that_plain_xarray_reads(tmp_path):
    """Read without hebbian: dimensions, coordinates, attributes, booleans and text."""
    grid = {"x": [-1.0, 0.5, 2.0], "label": ["a", "bé"]}
    Sweep("sweep_tasks:noisy", grid, {"k": 2}, seed=7).run(tmp_path / "s.h5", workers=1)
    with xr.open_dataset(tmp_path / "s.h5", engine="h5netcdf") as ds:
        assert dict(ds.sizes) == {"x": 3, "label": 2, "draw_dim0": 3}
        assert ds["x"].values.tolist() == grid["x"]
        assert ds["label"].values.tolist() == grid["label"]
        assert ds["square"].dims == ("x", "label")
        assert ds["draw"].dims == ("x", "label", "draw_dim0")
        for name, variable in ds.variables.items():
            assert variable.attrs["long_name"], name
            assert variable.attrs["units"] == ("s" if name == "seconds" else "1"), name
        assert ds["done"].dtype == bool
        assert ds["done"].all()
        assert ds["positive"].dtype == bool
        assert ds["positive"].values.tolist() == [[False, False], [True, True], [True, True]]
        assert ds["text"].sel(x=0.5, label="bé").item() == "bé:0.5"
        np.testing.assert_array_equal(ds["square"].sel(x=2.0).values, [8.0, 8.0])
        assert json.loads(ds.attrs["spec"]) == {
            "task": "sweep_tasks:noisy",
            "grid": grid,
            "fixed": {"k": 2},
            "seed": 7,
        }
        assert ds.attrs["format"] == FORMAT
    with h5py.File(tmp_path / "s.h5") as f:  # netCDF-4: dimension scales, no groups
        assert f["x"].is_scale
        assert f["label"].is_scale
        assert not any(isinstance(obj, h5py.Group) for obj in f.values())


def test_a_version_1_file_is_refused_with_a_way_out(tmp_path):
    path = tmp_path / "old.h5"
    spec = {"task": "sweep_tasks:slow", "grid": {"x": [1]}, "fixed": {}, "seed": 1}
    with h5py.File(path, "w") as f:  # what hebbian.sweep/1 wrote
        f.attrs.update(format="hebbian.sweep/1", spec=json.dumps(spec), axes='["x"]')
        f.create_dataset("coords/x", data=[1])
        f.create_dataset("done", data=np.ones(1, np.uint8))
        f.create_group("data")
    message = r"^\S*old\.h5 was written by an older hebbian .*rerun the sweep into a new output$"
    with pytest.raises(ValueError, match=message):
        load(path)
    fixed = {"delay": 0.0, "log": str(tmp_path / "log")}
    with pytest.raises(ValueError, match=message):
        Sweep("sweep_tasks:slow", {"x": [1]}, fixed, seed=1).run(path, workers=1)
    assert not (tmp_path / "log").exists()


def test_each_point_draws_from_its_own_stream(tmp_path):
    """Streams depend on the seed and the point's parameters only, not on the grid around it."""
    ds = Sweep("sweep_tasks:noisy", GRID, seed=7).run(tmp_path / "a.h5", workers=1)
    sub = Sweep("sweep_tasks:noisy", {"x": [2.0], "k": [2, 1]}, seed=7).run(
        tmp_path / "b.h5", workers=1
    )
    np.testing.assert_array_equal(
        sub["draw"].sel(x=2.0, k=2).values, ds["draw"].sel(x=2.0, k=2).values
    )
    draws = ds["draw"].values.reshape(6, 3)
    assert len(np.unique(draws[:, 0])) == 6
    other = Sweep("sweep_tasks:noisy", GRID, seed=8).run(tmp_path / "c.h5", workers=1)
    assert not np.any(other["draw"].values == ds["draw"].values)


def test_pool_dask_and_inline_give_identical_results(tmp_path):
    pytest.importorskip("distributed")
    sweep = Sweep("sweep_tasks:noisy", GRID, seed=3)
    inline = sweep.run(tmp_path / "inline.h5", workers=1)
    pool = sweep.run(tmp_path / "pool.h5", workers=2)
    dask = sweep.run(tmp_path / "dask.h5", workers=2, scheduler="local")
    assert outputs(pool).identical(outputs(inline))
    assert outputs(dask).identical(outputs(inline))


def test_a_finished_sweep_is_not_computed_again(tmp_path):
    log = tmp_path / "log"
    sweep = Sweep("sweep_tasks:slow", {"x": [1, 2, 3]}, {"delay": 0.0, "log": str(log)}, seed=1)
    first = sweep.run(tmp_path / "s.h5", workers=1)
    again = sweep.run(tmp_path / "s.h5", workers=1)
    assert log.read_text().split() == ["1", "2", "3"]
    assert outputs(again).identical(outputs(first))


def test_killed_sweep_resumes_to_the_uninterrupted_result(tmp_path, monkeypatch):
    """SIGKILL mid-way (the process group: pool too), resume: identical, nothing lost or twice."""
    plugins = sweep_tasks.register(tmp_path / "plugins", slow="sweep_tasks:slow")
    monkeypatch.syspath_prepend(str(plugins))  # a registered task: the sweep file may name it
    n = 40
    log = tmp_path / "log"
    toml = tmp_path / "slow.toml"
    toml.write_text(
        'task = "sweep_tasks:slow"\noutput = "killed.h5"\nseed = 11\n'
        f'[fixed]\ndelay = 0.08\nlog = "{log}"\n[grid]\nx = {list(range(n))}\n'
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugins), str(TESTS), *sys.path])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hebbian.cli", "sweep", str(toml), "--workers", "2"],
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    output = tmp_path / "killed.h5"
    deadline = time.monotonic() + 120
    n_done = 0
    while n_done < 8 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if output.exists():
            n_done = int(load(output)["done"].sum())
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 8 <= n_done < n, proc.stderr.read().decode()
    done_at_kill = load(output)["done"].values
    assert done_at_kill.sum() < n
    before = len(log.read_text().split())

    resumed = Sweep.from_toml(toml)[0].run(output, workers=1)
    evaluated_on_resume = [int(x) for x in log.read_text().split()[before:]]
    assert sorted(evaluated_on_resume) == np.flatnonzero(~done_at_kill).tolist()

    reference = Sweep.from_toml(toml)[0].run(tmp_path / "reference.h5", workers=1)
    assert resumed["done"].all()
    assert outputs(resumed).identical(outputs(reference))


def test_a_failing_point_names_itself_and_keeps_the_others(tmp_path):
    sweep = Sweep("sweep_tasks:failing", {"x": [1.0, 2.0, 3.0]})
    with pytest.raises(SweepError, match=r"x': 2\.0.*cannot do x = 2.*resume"):
        sweep.run(tmp_path / "s.h5", workers=1)
    assert load(tmp_path / "s.h5")["done"].values.tolist() == [True, False, False]


def test_outputs_must_keep_their_shape(tmp_path):
    with pytest.raises(ValueError, match="output 'value' has shape"):
        Sweep("sweep_tasks:growing", {"n": [1, 2]}).run(tmp_path / "s.h5", workers=1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"task": "sweep_tasks:noisy", "grid": {"y": [1.0]}, "seed": 1},
            ValueError,
            "no parameter",
        ),
        ({"task": "sweep_tasks:noisy", "grid": {"k": [1]}, "seed": 1}, ValueError, "needs param"),
        ({"task": "sweep_tasks:noisy", "grid": {"x": []}, "seed": 1}, ValueError, "is empty"),
        ({"task": "sweep_tasks:noisy", "grid": {}, "seed": 1}, ValueError, "grid=.* is empty"),
        ({"task": "sweep_tasks:noisy", "grid": {"x": ["a"]}, "seed": 1}, TypeError, "x='a'"),
        (
            {"task": "sweep_tasks:noisy", "grid": {"x": [1.0], "k": [1.5]}, "seed": 1},
            TypeError,
            "k=1.5 .* must be int",
        ),
        (
            {"task": "sweep_tasks:noisy", "grid": {"x": [1.0], "k": [True]}, "seed": 1},
            TypeError,
            "k=True",
        ),
        ({"task": "sweep_tasks:noisy", "grid": {"x": [1.0]}}, ValueError, "give the sweep a seed"),
        (
            {"task": "sweep_tasks:noisy", "grid": {"x": [1.0]}, "fixed": {"rng": 1}, "seed": 1},
            ValueError,
            "supplied by the sweep",
        ),
        (
            {"task": "sweep_tasks:noisy", "grid": {"x": [1.0]}, "fixed": {"x": 1.0}, "seed": 1},
            ValueError,
            "both fixed and on the grid",
        ),
        (
            {"task": "sweep_tasks:noisy", "grid": {"x": [1.0, 1.0]}, "seed": 1},
            ValueError,
            "repeats",
        ),
        ({"task": "sweep_tasks:nothing", "grid": {"x": [1.0]}}, ValueError, "cannot be imported"),
        ({"task": "no_colon", "grid": {"x": [1.0]}}, ValueError, "module:function"),
        (
            {
                "task": "hebbian.theory.hopfield:solve",
                "grid": {"alpha": [0.1]},
                "fixed": {"T": "hot"},
            },
            TypeError,
            "T='hot'",
        ),
        (
            {
                "task": "hebbian.theory.hopfield:solve",
                "grid": {"alpha": [0.1]},
                "fixed": {"T": 0.1},
                "seed": -1,
            },
            ValueError,
            "seed=-1",
        ),
    ],
)
def test_bad_sweeps_are_refused_before_any_work(kwargs, error, match):
    with pytest.raises(error, match=match):
        Sweep(**kwargs)


def test_a_local_function_is_refused():
    def local(x: float) -> float:
        return x

    with pytest.raises(ValueError, match="cannot be imported by worker processes"):
        Sweep(local, {"x": [1.0]})


def test_an_output_holding_another_sweep_is_refused_before_work(tmp_path):
    log = tmp_path / "log"
    fixed = {"delay": 0.0, "log": str(log)}
    Sweep("sweep_tasks:slow", {"x": [1, 2]}, fixed, seed=1).run(tmp_path / "s.h5", workers=1)
    with pytest.raises(ValueError, match=r"different sweep.*grid"):
        Sweep("sweep_tasks:slow", {"x": [1, 3]}, fixed, seed=1).run(tmp_path / "s.h5", workers=1)
    with pytest.raises(ValueError, match=r"different sweep.*seed"):
        Sweep("sweep_tasks:slow", {"x": [1, 2]}, fixed, seed=2).run(tmp_path / "s.h5", workers=1)
    assert log.read_text().split() == ["1", "2"]
    (tmp_path / "other.h5").write_bytes(b"not hdf5")
    with pytest.raises(ValueError, match="cannot be read as HDF5"):
        Sweep("sweep_tasks:slow", {"x": [1]}, fixed, seed=1).run(tmp_path / "other.h5")


def test_an_unwritable_output_is_refused_before_work(tmp_path):
    (tmp_path / "file").write_text("")
    log = tmp_path / "log"
    sweep = Sweep("sweep_tasks:slow", {"x": [1]}, {"delay": 0.0, "log": str(log)}, seed=1)
    with pytest.raises(ValueError, match=r"output=.* cannot be written"):
        sweep.run(tmp_path / "file" / "s.h5", workers=1)
    assert not log.exists()


# ---------------------------------------------------------------- sweep files


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "sweep.toml"
    path.write_text(text)
    return path


def test_the_example_sweep_file_runs(tmp_path):
    sweep, output = Sweep.from_toml(write(tmp_path, EXAMPLE))
    assert output == tmp_path / "hopfield_rs.h5"
    assert sweep.shape == (7, 4)
    assert sweep.grid["alpha"][0] == pytest.approx(0.01)
    ds = sweep.run(output, workers=1)
    m = ds["order_parameters.m"].sel(T=0.0)
    assert m.sel(alpha=0.01).item() == pytest.approx(1.0, abs=1e-6)
    assert ds["success"].sel(alpha=0.01).all()


def test_log_spaced_axis(tmp_path):
    text = 'task = "hebbian.theory.sk:solve"\noutput = "o.h5"\n[grid]\n'
    text += "T = {start=0.1, stop=10, num=3, log=true}\n"
    sweep, _ = Sweep.from_toml(write(tmp_path, text))
    assert sweep.grid["T"] == pytest.approx((0.1, 1.0, 10.0))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            'task = "hebbian.theory.sk:solve"\noutput = "o.h5"\ncolour = 1\n[grid]\nT = [1.0]\n',
            "unknown key",
        ),
        ('task = "hebbian.theory.sk:solve"\n[grid]\nT = [1.0]\n', "missing 'output'"),
        ('task = "hebbian.theory.sk:solve"\noutput = "o.h5"\n[grid]\nT = []\n', "is empty"),
        (
            'task = "hebbian.theory.sk:solve"\noutput = "o.h5"\n[grid]\nbeta = [1.0]\n',
            "no parameter",
        ),
        (
            'task = "hebbian.theory.sk:solve"\noutput = "o.h5"\n[grid]\nT = ["warm"]\n',
            "must be float",
        ),
        (
            'task = "hebbian.theory.sk:solve"\noutput = "o.h5"\n[grid]\nT = {start=0, stop=1}\n',
            "range",
        ),
        (
            'task = "hebbian.theory.sk:solve"\noutput = "o.h5"\n[grid]\nT = [1.0\n',
            "not valid TOML",
        ),
        (
            'task = "hebbian.theory.sk:solve"\noutput = "o.h5"\nfixed = 3\n[grid]\nT = [1.0]\n',
            "mapping",
        ),
    ],
)
def test_bad_sweep_files_get_a_clear_error(tmp_path, text, match):
    with pytest.raises((ValueError, TypeError), match=match):
        Sweep.from_toml(write(tmp_path, text))


# ---------------------------------------------------------------- the store


def test_a_file_is_valid_between_any_two_points(tmp_path):
    """After each point the file opens and holds exactly the points written so far."""
    path = tmp_path / "s.h5"
    spec = {"task": "t:f", "grid": {"a": [1, 2, 3]}, "fixed": {}, "seed": None}
    with SweepFile.open(path, spec, {"a": np.array([1, 2, 3])}) as store:
        for i in range(3):
            store.write((i,), {"v": float(i), "w": np.arange(2) + i}, seconds=0.1)
            ds = load(path)
            assert ds["done"].values.tolist() == [j <= i for j in range(3)]
            np.testing.assert_array_equal(ds["v"].values[: i + 1], np.arange(i + 1))
    assert not list(tmp_path.glob(".*part"))
    with h5py.File(path) as f:
        assert f["v"].chunks is None  # contiguous: points are written in place


def test_a_point_overwrites_bytes_of_its_values_only(tmp_path):
    """Storing a point changes no byte outside the datasets' data: no HDF5 metadata."""
    path = tmp_path / "s.h5"
    spec = {"task": "t:f", "grid": {"a": [1, 2, 3]}, "fixed": {}, "seed": None}
    values = {"v": 1.0, "w": np.arange(2.0), "flag": True, "text": "é", "z": 1j}

    def outside_data():
        content = bytearray(path.read_bytes())
        with h5py.File(path, "r", locking=False) as f:
            for obj in f.values():
                if isinstance(obj, h5py.Dataset) and obj.id.get_offset() is not None:
                    offset, size = obj.id.get_offset(), obj.id.get_storage_size()
                    content[offset : offset + size] = bytes(size)
        return bytes(content)

    with SweepFile.open(path, spec, {"a": np.array([1, 2, 3])}) as store:
        store.write((0,), values, seconds=0.1)  # allocates the outputs (a new file)
        before = outside_data()
        store.write((2,), values, seconds=0.2)
        assert outside_data() == before
    ds = load(path)
    assert ds["done"].values.tolist() == [True, False, True]
    assert ds["flag"].values.tolist() == [True, False, True]
    assert ds["text"].values.tolist() == ["é", "", "é"]
    np.testing.assert_array_equal(ds["z"].values, [1j, np.nan, 1j])


def test_every_kind_of_axis_and_output_reads_back(tmp_path):
    path = tmp_path / "s.h5"
    coords = {"on": np.array([True, False]), "name": np.array(["p", "qé"]), "n": np.array([1, 2])}
    spec = {
        "task": "t:f",
        "grid": {k: v.tolist() for k, v in coords.items()},
        "fixed": {},
        "seed": 0,
    }
    with SweepFile.open(path, spec, coords) as store:
        store.write((1, 0, 1), {"text": "x" * 300, "flags": np.array([True, False])}, seconds=0.0)
    ds = load(path)
    assert ds["on"].values.tolist() == [True, False]
    assert ds["name"].values.tolist() == ["p", "qé"]
    assert ds["n"].values.tolist() == [1, 2]
    assert ds["text"].sel(on=False, name="p", n=2).item() == "x" * 256  # TEXT_BYTES
    assert ds["flags"].dims == ("on", "name", "n", "flags_dim0")
    assert ds["flags"].sel(on=False, name="p", n=2).values.tolist() == [True, False]


def test_complex_outputs_are_stored_or_refused_clearly(tmp_path):
    path = tmp_path / "s.h5"
    spec = {"task": "t:f", "grid": {"a": [1, 2]}, "fixed": {}, "seed": None}
    with SweepFile.open(path, spec, {"a": np.array([1, 2])}) as store:
        if not hasattr(h5netcdf.Group, "create_cmptype"):  # h5netcdf < 1.4
            with pytest.raises(TypeError, match=r"complex numbers need 1\.4"):
                store.write((0,), {"z": 1 + 2j}, seconds=0.0)
            return
        store.write((0,), {"z": 1 + 2j}, seconds=0.0)
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        np.testing.assert_array_equal(ds["z"].values, [1 + 2j, np.nan])


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ({"a": 1.0}, "'a' is already a grid axis"),
        ({"done": 1.0}, "'done' is already"),
        ({"checksum": 1.0}, "'checksum' is already"),
        ({"w": np.zeros(2), "w_dim0": 1.0}, "'w_dim0' is already"),
        ({"a/b": 1.0}, "cannot hold '/'"),
    ],
)
def test_outputs_named_like_other_variables_are_refused(tmp_path, values, match):
    path = tmp_path / "s.h5"
    spec = {"task": "t:f", "grid": {"a": [1, 2]}, "fixed": {}, "seed": None}
    with SweepFile.open(path, spec, {"a": np.array([1, 2])}) as store:
        with pytest.raises(ValueError, match=match):
            store.write((0,), values, seconds=0.0)
        store.write((1,), {"v": 1.0}, seconds=0.0)  # the file is still usable
    assert load(path)["done"].values.tolist() == [False, True]


@given(
    st.recursive(
        st.one_of(st.floats(allow_nan=False), st.integers(-(2**50), 2**50), st.booleans()),
        lambda inner: st.dictionaries(st.text("abc", min_size=1, max_size=3), inner, max_size=3),
        max_leaves=8,
    )
)
def test_flatten_keeps_every_leaf_once(result):
    flat = flatten(result)

    def leaves(r):
        return [v for x in r.values() for v in leaves(x)] if isinstance(r, dict) else [r]

    assert sorted(map(repr, flat.values())) == sorted(map(repr, leaves(result)))


def test_a_pool_holds_a_bounded_number_of_tasks_in_flight(tmp_path, monkeypatch):
    """A grid of millions of points is submitted a window at a time, never all at once."""
    from concurrent.futures import ThreadPoolExecutor

    import hebbian.sweep

    monkeypatch.setattr(hebbian.sweep, "IN_FLIGHT", 3)

    class Counting(ThreadPoolExecutor):
        def __init__(self):
            super().__init__(max_workers=2)
            self.outstanding = self.most = 0

        def submit(self, *args, **kwargs):
            self.outstanding += 1
            self.most = max(self.most, self.outstanding)
            future = super().submit(*args, **kwargs)
            future.add_done_callback(lambda _: setattr(self, "outstanding", self.outstanding - 1))
            return future

    with Counting() as pool:
        grid = {"x": list(range(20))}
        ds = Sweep("sweep_tasks:noisy", grid, seed=1).run(tmp_path / "s.h5", executor=pool)
    assert bool(ds["done"].all())
    assert pool.most <= 3


def test_a_grid_too_large_for_memory_is_refused_before_any_file(tmp_path, monkeypatch):
    monkeypatch.setenv("HEBBIAN_MAX_MEMORY", "1K")
    sweep = Sweep("sweep_tasks:noisy", {"x": list(range(1000))}, seed=1)
    with pytest.raises(ValueError, match=r"sweep of 1000 points.*HEBBIAN_MAX_MEMORY"):
        sweep.run(tmp_path / "s.h5", workers=1)
    assert not (tmp_path / "s.h5").exists()
