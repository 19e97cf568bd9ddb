"""Logging: the ``hebbian`` logger hierarchy and the command line's handler.

Modules log to ``logging.getLogger(__name__)`` (children of ``"hebbian"``)
and the package installs only a :class:`logging.NullHandler` (in
``hebbian/__init__.py``): what is shown, and where, is the application's
choice.  The command line makes it with
:func:`configure` (``hebbian -v``: INFO, ``-vv``: DEBUG, ``-q``: errors
only); a script does the same with :func:`logging.basicConfig` or::

    import logging
    logging.getLogger("hebbian").setLevel(logging.INFO)
    logging.getLogger("hebbian").addHandler(logging.StreamHandler())
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys

__all__ = ["configure", "level_for"]


class _Handler(logging.Handler):
    """Write records to the current ``sys.stderr``, through tqdm while a bar is shown.

    ``tqdm.write`` clears the bars, prints the line and draws them again, so
    log lines and progress bars do not overwrite each other.  Resolving
    ``sys.stderr`` at each record follows redirections (and pytest's capture).
    """

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
            tqdm = sys.modules.get("tqdm")
            if tqdm is not None:
                tqdm.tqdm.write(text, file=sys.stderr)
            else:
                sys.stderr.write(text + "\n")
                sys.stderr.flush()
        except Exception:
            self.handleError(record)


_handler: logging.Handler | None = None
#: The user's own choice of Dask's log level, if any, which :func:`configure` keeps.
_DASK_LEVEL_GIVEN = os.environ.get("DASK_LOGGING__DISTRIBUTED")


def level_for(verbosity: int) -> int:
    """Logging level for ``-q`` (-1), nothing (0), ``-v`` (1) and ``-vv`` (2 or more)."""
    if verbosity < 0:
        return logging.ERROR
    return (logging.WARNING, logging.INFO)[verbosity] if verbosity < 2 else logging.DEBUG


def configure(verbosity: int = 0) -> logging.Handler:
    """Show the package's log records on stderr at the level :func:`level_for` gives.

    Called again, it replaces the handler it installed before (never adds a
    second one).  Of other libraries' logs only Dask's are touched: its
    ``distributed`` loggers, which print INFO lines to stderr by default (a
    local cluster's workers and nannies closing), show errors only, or
    warnings at ``verbosity >= 2``, unless the ``DASK_LOGGING__DISTRIBUTED``
    environment variable says otherwise (it is set here, so the worker
    processes of a local cluster inherit it).

    Parameters
    ----------
    verbosity : int
        -1 (quiet: errors only), 0 (warnings), 1 (INFO), 2 (DEBUG).

    Returns
    -------
    logging.Handler
        The handler installed on ``logging.getLogger("hebbian")``.
    """
    global _handler
    package = logging.getLogger("hebbian")
    if _handler is not None:
        package.removeHandler(_handler)
    level = level_for(verbosity)
    _handler = _Handler(level)
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s" if level <= logging.INFO else None
    _handler.setFormatter(
        logging.Formatter(fmt or "hebbian: %(levelname)s: %(message)s", datefmt="%H:%M:%S")
    )
    package.addHandler(_handler)
    package.setLevel(level)
    dask_level = _DASK_LEVEL_GIVEN or ("warning" if verbosity >= 2 else "error")
    os.environ["DASK_LOGGING__DISTRIBUTED"] = dask_level
    if "distributed" in sys.modules:  # already configured from the environment at import
        with contextlib.suppress(ValueError, TypeError):
            logging.getLogger("distributed").setLevel(dask_level.upper())
    return _handler
