"""Sweeps against hostile or unlucky input: what a sweep file may run, damaged and
altered files, a second writer, failed points computed again, no output left by a
sweep that fails its checks."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import h5py
import numpy as np
import pytest
import sweep_tasks

from hebbian import cli
from hebbian.store import SweepFileError, load
from hebbian.sweep import ENTRY_POINTS, TASKS, Sweep, evaluate, registered_tasks

TESTS = Path(__file__).resolve().parents[1]
GRID = {"x": [-1.0, 0.5, 2.0], "k": [1, 2]}


def write(folder: Path, text: str, name: str = "sweep.toml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def one_line(exc: pytest.ExceptionInfo) -> str:
    message = str(exc.value)
    assert "\n" not in message
    return message


# ------------------------------------------------------------ what a sweep file runs


def test_a_sweep_file_cannot_run_a_shell_command(tmp_path):
    marker = tmp_path / "pwned"
    toml = write(
        tmp_path,
        f"""\
        task = "os:system"
        output = "o.h5"
        [grid]
        command = ["touch {marker}"]
        """,
    )
    with pytest.raises(ValueError, match="not a registered sweep task") as refused:
        Sweep.from_toml(toml)
    message = one_line(refused)
    assert "task='os:system' is not a registered sweep task" in message
    assert "--allow-any-task" in message
    assert "allow_any_task=True" in message
    assert not marker.exists()
    assert not (tmp_path / "o.h5").exists()


def test_a_sweep_file_cannot_delete_a_folder(tmp_path):
    victim = tmp_path / "results"
    victim.mkdir()
    toml = write(
        tmp_path,
        f'task = "shutil:rmtree"\noutput = "o.h5"\n[grid]\npath = ["{victim}"]\n',
    )
    with pytest.raises(ValueError, match=r"task='shutil:rmtree' is not a registered"):
        Sweep.from_toml(toml)
    assert victim.is_dir()


def test_an_unregistered_module_beside_the_file_is_not_even_imported(tmp_path):
    name = f"evil_{uuid.uuid4().hex[:8]}"
    marker = tmp_path / "imported"
    (tmp_path / f"{name}.py").write_text(
        f"open({str(marker)!r}, 'w').close()\ndef f(x: float) -> float:\n    return x\n"
    )
    toml = write(tmp_path, f'task = "{name}:f"\noutput = "o.h5"\n[grid]\nx = [1.0]\n')
    with pytest.raises(ValueError, match="not a registered sweep task"):
        Sweep.from_toml(toml)
    assert not marker.exists()
    assert name not in sys.modules


def test_registered_tasks_run_by_short_or_full_name(tmp_path):
    full = write(
        tmp_path, 'task = "hebbian.theory.sk:solve"\noutput = "o.h5"\n[grid]\nT = [0.5]\n'
    )
    short = write(tmp_path, 'task = "sk"\noutput = "o.h5"\n[grid]\nT = [0.5]\n', "short.toml")
    sweep, output = Sweep.from_toml(short)
    assert sweep == Sweep.from_toml(full)[0]
    assert sweep.task == "hebbian.theory.sk:solve"  # stored in full: either name resumes
    assert sweep.import_from is None  # nothing imported from the file's folder
    ds = sweep.run(output, workers=1)
    assert ds["success"].all()


def test_the_registry_holds_every_solver_and_every_task_of_the_figures():
    from hebbian.theory import SOLVERS

    solvers = {name: f"{f.__module__}:{f.__qualname__}" for name, f in SOLVERS.items()}
    assert {k: v for k, v in TASKS.items() if v.startswith("hebbian.theory.")} == solvers
    import hebbian.figures

    figures = Path(hebbian.figures.__file__).parent
    used = {
        task
        for script in figures.glob("*.py")
        for task in re.findall(r'"(hebbian\.(?:mc|theory)\.\w+:\w+)"', script.read_text())
    }
    assert used, "no sweep task found in the figure scripts"
    assert used <= set(TASKS.values())
    assert len(set(TASKS.values())) == len(TASKS)


def test_every_registered_task_imports():
    from hebbian.sweep import resolve

    for task in TASKS.values():
        assert callable(resolve(task))


def test_checking_a_task_name_imports_no_solver_or_sampler():
    code = (
        "import sys\n"
        "from hebbian.sweep import registered_tasks, _registered\n"
        "before = set(sys.modules)\n"
        "assert _registered('hopfield') == 'hebbian.theory.hopfield:solve'\n"
        "assert _registered('os:system') is None\n"
        "heavy = {m for m in set(sys.modules) - before if m.startswith(('numba', 'hebbian.'))}\n"
        "assert not heavy, heavy\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_a_task_registered_through_an_entry_point_is_found(tmp_path, monkeypatch):
    real = importlib.metadata.entry_points

    def entry_points(**params):
        if params.get("group") == ENTRY_POINTS:
            return importlib.metadata.EntryPoints(
                [
                    importlib.metadata.EntryPoint(
                        name="noisy-plugin", value="sweep_tasks:noisy", group=ENTRY_POINTS
                    ),
                    importlib.metadata.EntryPoint(  # cannot take a package's name
                        name="hopfield", value="sweep_tasks:noisy", group=ENTRY_POINTS
                    ),
                ]
            )
        return real(**params)

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    assert registered_tasks()["noisy-plugin"] == "sweep_tasks:noisy"
    assert registered_tasks()["hopfield"] == "hebbian.theory.hopfield:solve"
    for task in ("noisy-plugin", "sweep_tasks:noisy"):
        toml = write(
            tmp_path, f'task = "{task}"\noutput = "o.h5"\nseed = 1\n[grid]\nx = [1.0, 2.0]\n'
        )
        sweep, output = Sweep.from_toml(toml)
        assert sweep.task == "sweep_tasks:noisy"
    assert sweep.run(output, workers=1)["done"].all()


def test_an_installed_distribution_registers_tasks(tmp_path, monkeypatch):
    """The real route: a distribution's entry_points.txt on the path."""
    monkeypatch.syspath_prepend(
        str(sweep_tasks.register(tmp_path / "site", f="sweep_tasks:failing"))
    )
    assert registered_tasks()["f"] == "sweep_tasks:failing"
    toml = write(tmp_path, 'task = "f"\noutput = "o.h5"\n[grid]\nx = [1.0]\n')
    assert Sweep.from_toml(toml)[0].task == "sweep_tasks:failing"


@pytest.fixture
def user_tasks(tmp_path):
    """A sweep file beside its own task module (a fresh module name: nothing cached)."""
    name = f"mytasks_{uuid.uuid4().hex[:8]}"
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / f"{name}.py").write_text(
        "def f(x: float, *, rng) -> dict:\n    return {'y': 2 * x, 'u': rng.random()}\n"
    )
    toml = write(
        folder, f'task = "{name}:f"\noutput = "out.h5"\nseed = 3\n[grid]\nx = [0.0, 1.0, 2.0]\n'
    )
    yield toml, name
    sys.modules.pop(name, None)


def test_a_task_module_beside_the_file_needs_the_opt_in(user_tasks):
    toml, name = user_tasks
    with pytest.raises(ValueError, match=f"task='{name}:f' is not a registered"):
        Sweep.from_toml(toml)
    sweep, output = Sweep.from_toml(toml, allow_any_task=True)
    assert sweep.import_from == str(toml.parent.resolve())
    assert output == toml.parent / "out.h5"


def test_a_task_module_beside_the_file_runs_here_on_a_pool_and_on_dask(user_tasks, monkeypatch):
    toml, _ = user_tasks
    sweep, output = Sweep.from_toml(toml, allow_any_task=True)
    # Workers get the folder from the sweep, not from this process's path.
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != sweep.import_from])
    inline = sweep.run(output, workers=1)
    pool = sweep.run(output.with_name("pool.h5"), workers=2)
    np.testing.assert_array_equal(inline["y"].values, [0.0, 2.0, 4.0])
    for ds in (inline, pool):
        ds.attrs.pop("provenance")
    assert pool.drop_vars("seconds").identical(inline.drop_vars("seconds"))
    pytest.importorskip("distributed")
    dask = sweep.run(output.with_name("dask.h5"), workers=2, scheduler="local")
    dask.attrs.pop("provenance")
    assert dask.drop_vars("seconds").identical(inline.drop_vars("seconds"))


def test_a_worker_imports_the_task_from_the_folder_alone(user_tasks, tmp_path):
    """What a pool or Dask worker does: nothing on its path but what the sweep sends."""
    toml, name = user_tasks
    code = (
        "import sys\n"
        "from hebbian.sweep import evaluate\n"
        f"values, _ = evaluate({name + ':f'!r}, {{'x': 1.5}}, 3, sys.argv[1])\n"
        "print(values['y'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(toml.parent)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["3.0"]
    with pytest.raises(ImportError, match=r"which this worker .* cannot see"):
        evaluate(f"{name}:f", {"x": 1.0}, 3, str(tmp_path / "elsewhere"))


# ------------------------------------------------------------ damaged and foreign files


@pytest.fixture
def stored(tmp_path):
    """A finished sweep's file, and the sweep."""
    sweep = Sweep("sweep_tasks:noisy", GRID, {"label": "b"}, seed=7)
    sweep.run(tmp_path / "s.h5", workers=1)
    return tmp_path / "s.h5", sweep


def zero(path: Path, start: int, size: int = 4096) -> None:
    content = bytearray(path.read_bytes())
    content[start : start + size] = bytes(len(content[start : start + size]))
    path.write_bytes(bytes(content))


def test_a_zeroed_region_in_the_middle_is_one_clear_error(stored):
    path, sweep = stored
    zero(path, path.stat().st_size // 2 - 2048)
    for attempt in (lambda: load(path), lambda: sweep.run(path, workers=1)):
        with pytest.raises(ValueError, match="damaged") as refused:
            attempt()
        message = one_line(refused)
        assert message.startswith(str(path))
        assert "move it away and rerun the sweep into a new output" in message


def readable(path: Path):
    """``load(path)``, or the SweepFileError it raises."""
    try:
        return load(path)
    except SweepFileError as exc:
        return exc


def test_a_zeroed_region_anywhere_is_refused_or_harmless(stored, tmp_path):
    """Wherever 4 KB are zeroed: a one-line error, or the right values (never a wrong one)."""
    path, sweep = stored
    reference = load(path)
    for start in range(0, path.stat().st_size, 1024):
        damaged = tmp_path / f"z{start}.h5"
        damaged.write_bytes(path.read_bytes())
        zero(damaged, start)
        ds = readable(damaged)
        if isinstance(ds, SweepFileError):
            assert "\n" not in str(ds), start
            assert str(ds).startswith(str(damaged)), start
            with pytest.raises(SweepFileError):
                sweep.run(damaged, workers=1)
            continue
        kept = ds["done"].values  # a zeroed flag: the point is simply not stored
        np.testing.assert_array_equal(ds["square"].values[kept], reference["square"].values[kept])
        resumed = sweep.run(damaged, workers=1)
        np.testing.assert_array_equal(resumed["draw"].values, reference["draw"].values)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "cannot be read as HDF5"),
        (b"not hdf5 at all", "cannot be read as HDF5"),
        ("plain-hdf5", r"is not a hebbian sweep file .*move it away"),
        ("no-done", r"is damaged or not a hebbian sweep file \(KeyError"),
    ],
)
def test_a_foreign_file_is_one_clear_error(tmp_path, content, match):
    path = tmp_path / "foreign.h5"
    if content == "plain-hdf5":
        with h5py.File(path, "w") as f:
            f["data"] = np.arange(3)
    elif content == "no-done":
        spec = {"task": "sweep_tasks:failing", "grid": {"x": [1.0]}, "fixed": {}, "seed": None}
        with h5py.File(path, "w") as f:
            f.attrs.update(format="hebbian.sweep/3", spec=json.dumps(spec))
    else:
        path.write_bytes(content)
    with pytest.raises(SweepFileError, match=match) as refused:
        load(path)
    assert one_line(refused).startswith(str(path))
    with pytest.raises(ValueError, match=match):
        Sweep("sweep_tasks:failing", {"x": [1.0]}).run(path, workers=1)


def test_a_second_writer_gets_one_line(tmp_path, capsys):
    toml = write(tmp_path, 'task = "sk"\noutput = "sk.h5"\n[grid]\nT = [0.5, 1.5]\n')
    sweep, output = Sweep.from_toml(toml)
    sweep.run(output, workers=1)
    holder = subprocess.Popen(  # another writer: it holds the lock a sweep takes
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            "f = open(sys.argv[1], 'rb+'); fcntl.flock(f, fcntl.LOCK_EX)\n"
            "print('locked', flush=True); time.sleep(60)\n",
            str(output),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(ValueError, match="being written by another process") as refused:
            sweep.run(output, workers=1)
        assert one_line(refused).startswith(str(output))
        assert cli.main(["sweep", str(toml), "--workers", "1"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert "is being written by another process (a sweep is running on it)" in err
    finally:
        holder.kill()
        holder.wait()


# ------------------------------------------------------------ checksums


def flip_a_byte(path: Path, variable: str, index: tuple[int, ...]) -> None:
    """Flip one byte of ``variable``'s value at grid ``index``, as a disk or a hand might."""
    with h5py.File(path, "r") as f:
        dataset = f[variable]
        item = dataset.dtype.itemsize * int(np.prod(dataset.shape[len(index) :]))
        offset = (
            dataset.id.get_offset()
            + int(np.ravel_multi_index(index, dataset.shape[: len(index)])) * item
        )
    with open(path, "r+b") as f:
        f.seek(offset + 3)
        byte = f.read(1)
        f.seek(offset + 3)
        f.write(bytes([byte[0] ^ 0x10]))


def test_an_altered_value_is_detected_on_load_and_on_resume(stored):
    path, sweep = stored
    before = load(path)
    flip_a_byte(path, "draw", (2, 1))
    with pytest.raises(SweepFileError) as refused:
        load(path)
    message = one_line(refused)
    assert "1 point(s) (x=2.0, k=2)" in message
    assert "do not match their checksums" in message
    assert refused.value.points == ((2, 1),)
    with pytest.raises(ValueError, match=r"\(x=2\.0, k=2\) do not match"):
        sweep.run(path, workers=1)
    rescued = load(path, verify=False)  # what is there, read anyway
    assert (rescued["draw"] != before["draw"]).sum() == 1


def test_altered_text_and_timings_are_detected_too(stored):
    path, _ = stored
    flip_a_byte(path, "text", (0, 0))
    flip_a_byte(path, "seconds", (1, 0))
    with pytest.raises(SweepFileError, match=r"2 point\(s\) \(x=-1\.0, k=1\), \(x=0\.5, k=1\)"):
        load(path)


def test_a_point_not_stored_may_hold_anything(tmp_path):
    """Bytes of a point not marked done are not checked: it is computed on resume."""
    sweep = Sweep("sweep_tasks:failing", {"x": [1.0, 2.0, 3.0]})
    with pytest.raises(Exception, match="cannot do x = 2"):
        sweep.run(tmp_path / "s.h5", workers=1)
    flip_a_byte(tmp_path / "s.h5", "value", (2,))
    assert load(tmp_path / "s.h5")["done"].values.tolist() == [True, False, False]
    with h5py.File(tmp_path / "s.h5", "r+") as f:  # ... but it cannot pass as stored
        f["done"][2] = 1
    with pytest.raises(SweepFileError, match=r"1 point\(s\) \(x=3\.0\) do not match"):
        load(tmp_path / "s.h5")


# ------------------------------------------------------------ failed points again


def test_failed_points_are_computed_again_on_request_and_only_they(tmp_path):
    log = tmp_path / "log"
    sweep = Sweep("sweep_tasks:first_try_fails", {"x": [0, 1, 2, 3, 4]}, {"log": str(log)})
    output = tmp_path / "s.h5"
    first = sweep.run(output, workers=1)
    assert first["success"].values.tolist() == [True, False, True, False, True]
    assert first["error"].sel(x=1).item() == "no luck at x = 1"
    sweep.run(output, workers=1)  # no retry: a stored point is never computed again
    assert log.read_text().split() == ["0", "1", "2", "3", "4"]

    again = sweep.run(output, workers=1, retry="success")
    assert log.read_text().split()[5:] == ["1", "3"]
    assert again["success"].all()
    np.testing.assert_array_equal(again["value"].values, [0.0, 1.0, 2.0, 3.0, 4.0])
    assert again["error"].values.tolist() == [""] * 5  # the old failure's text is gone
    assert load(output)["done"].all()  # and the checksums hold

    sweep.run(output, workers=1, retry="value")  # no NaN left: nothing to do
    assert len(log.read_text().split()) == 7
    sweep.run(output, workers=1, retry=lambda ds: ds["value"] >= 3)
    assert log.read_text().split()[7:] == ["3", "4"]


def test_retry_by_nan_and_on_a_pool(tmp_path):
    log = tmp_path / "log"
    sweep = Sweep("sweep_tasks:first_try_fails", {"x": [1, 2, 5]}, {"log": str(log)})
    sweep.run(tmp_path / "s.h5", workers=2)
    again = sweep.run(tmp_path / "s.h5", workers=2, retry="value")
    assert sorted(log.read_text().split()[3:]) == ["1", "5"]
    assert not again["value"].isnull().any()


@pytest.mark.parametrize(
    ("retry", "error", "match"),
    [
        ("sucess", ValueError, r"retry='sucess' names no output .*its outputs: error, success"),
        ("error", TypeError, "name a boolean or numeric output"),
        (lambda ds: ds["value"].values[:1] > 0, ValueError, "shape"),
        (3, TypeError, "must be an output's name"),
    ],
)
def test_a_bad_retry_is_refused_before_work(tmp_path, retry, error, match):
    log = tmp_path / "log"
    sweep = Sweep("sweep_tasks:first_try_fails", {"x": [0, 1]}, {"log": str(log)})
    sweep.run(tmp_path / "s.h5", workers=1)
    with pytest.raises(error, match=match):
        sweep.run(tmp_path / "s.h5", workers=1, retry=retry)
    assert len(log.read_text().split()) == 2


# ------------------------------------------------------------ no output left behind


@pytest.mark.parametrize(
    "where", [{"workers": 0}, {"scheduler": "no-such-scheduler"}, {"workers": 2, "executor": 1}]
)
def test_a_sweep_that_fails_its_checks_leaves_no_file(tmp_path, where):
    log = tmp_path / "log"
    sweep = Sweep("sweep_tasks:slow", {"x": [1, 2]}, {"delay": 0.0, "log": str(log)}, seed=1)
    with pytest.raises((ValueError, ImportError)):
        sweep.run(tmp_path / "out" / "s.h5", **where)
    assert list((tmp_path / "out").iterdir()) == []
    assert not log.exists()


def test_a_bad_sweep_file_leaves_no_file(tmp_path, capsys):
    for text in (
        'task = "os:system"\noutput = "o.h5"\n[grid]\ncommand = ["true"]\n',
        'task = "sk"\noutput = "o.h5"\n[grid]\nT = []\n',
        'task = "sk"\noutput = "o.h5"\n[grid]\ndone = [1.0]\n',
    ):
        toml = write(tmp_path, text)
        assert cli.main(["sweep", str(toml), "--workers", "1"]) == 2
        assert capsys.readouterr().err.count("\n") == 1
        assert not (tmp_path / "o.h5").exists()
