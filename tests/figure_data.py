"""Reading a figure's data file in tests."""

from __future__ import annotations

import xarray as xr


def open_data(folder, name) -> xr.Dataset:
    """A figure's data file, read by plain xarray."""
    with xr.open_dataset(folder / f"{name}.h5", engine="h5netcdf") as ds:
        return ds.load()
