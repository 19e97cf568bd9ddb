"""Output paths checked before any work: one check for the API and the command line.

A run that computes for an hour and then cannot write its result has lost the
hour.  :func:`check_output_path` (a file: a checkpoint, a results file) and
:func:`check_output_dir` (a folder of outputs) refuse at once, with a
one-line ``ValueError`` naming the argument, the path, the reason and the
fix, a path that cannot be written: a directory where a file is wanted (or a
file where a folder is), a path under a regular file, a folder without write
permission, a read-only file system.  Folders that do not exist yet are
accepted where they can be created (their nearest existing ancestor is a
writable folder); nothing is created or written by the checks.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["check_output_dir", "check_output_path"]


def _as_path(path, name: str) -> Path:
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{name}={path!r} must be a path (str or os.PathLike)")
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if not text.strip():
        raise ValueError(f"{name}={text!r} is empty; pass a path")
    if "\0" in text:
        raise ValueError(f"{name}={text!r} contains a NUL character; pass a path without one")
    return Path(text)


def _stat_kind(path: Path, name: str) -> str | None:
    """``"dir"``, ``"file"`` (anything else that exists) or None if nothing is there."""
    try:
        return "dir" if path.is_dir() else "file" if path.exists() else None
    except OSError as exc:  # a name too long, a loop of links
        raise ValueError(
            f"{name}={str(path)!r} cannot be used: {exc.strerror or exc}; pass another path"
        ) from None


def _creatable_in(path: Path, name: str, what: str) -> None:
    """Refuse ``path`` (absent) unless its nearest existing ancestor is a writable folder."""
    ancestor = path.absolute().parent
    while _stat_kind(ancestor, name) is None and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if _stat_kind(ancestor, name) != "dir":
        raise ValueError(
            f"{name}={str(path)!r} cannot be created: {str(ancestor)!r} is a file, not a "
            f"folder; pass a {what} in a folder"
        )
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ValueError(
            f"{name}={str(path)!r} cannot be created: no permission to write in "
            f"{str(ancestor)!r} (or it is on a read-only file system); pass a {what} "
            f"in a folder you can write to"
        )


def check_output_path(path, name: str = "path", *, example: str = "run.npz") -> Path:
    """Return ``path`` as a :class:`~pathlib.Path` if a file can be written there, or raise.

    An existing file must be readable and writable (it may be resumed and is
    replaced); a missing one must be creatable, its missing parent folders
    included.

    Parameters
    ----------
    path : str or os.PathLike
    name : str
        How the argument is spelled where it was given (``"checkpoint"``,
        ``"--checkpoint"``), for the message.
    example : str
        A file name the message suggests inside a directory given instead.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    TypeError
        ``path`` is not a path.
    ValueError
        ``path`` is empty, a directory, under a file, or in a folder that
        cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> check_output_path(f"{folder}/run.npz", "checkpoint").name
    'run.npz'
    >>> check_output_path(folder, "checkpoint")
    Traceback (most recent call last):
    ...
    ValueError: checkpoint='...' is a directory; pass a file path such as '.../run.npz'
    """
    path = _as_path(path, name)
    kind = _stat_kind(path, name)
    if kind == "dir":
        raise ValueError(
            f"{name}={str(path)!r} is a directory; pass a file path such as "
            f"{str(path / example)!r}"
        )
    if kind == "file":
        if not os.access(path, os.R_OK | os.W_OK):
            raise ValueError(
                f"{name}={str(path)!r} cannot be read and written (permissions or a "
                f"read-only file system); pass a path you can write to"
            )
        return path
    _creatable_in(path, name, "file path")
    return path


def check_output_dir(path, name: str = "out") -> Path:
    """Return ``path`` as a :class:`~pathlib.Path` if outputs can be written into it, or raise.

    An existing folder must be writable; a missing one must be creatable.

    Parameters
    ----------
    path : str or os.PathLike
    name : str
        How the argument is spelled where it was given (``"out"``, ``"--out"``).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    TypeError
        ``path`` is not a path.
    ValueError
        ``path`` is empty, an existing file, under a file, or a folder (or
        in one) that cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> check_output_dir(f"{folder}/figures", "out").name
    'figures'
    """
    path = _as_path(path, name)
    kind = _stat_kind(path, name)
    if kind == "file":
        raise ValueError(
            f"{name}={str(path)!r} is a file, not a folder; pass a folder (it is "
            f"created if missing), e.g. {str(path.with_suffix('')) + '_out'!r}"
        )
    if kind == "dir":
        if not os.access(path, os.W_OK | os.X_OK):
            raise ValueError(
                f"{name}={str(path)!r} is a folder that cannot be written (permissions or "
                f"a read-only file system); pass a folder you can write to"
            )
        return path
    _creatable_in(path, name, "folder")
    return path
