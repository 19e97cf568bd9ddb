"""Sphinx configuration: MyST pages, numpydoc API reference, executed tutorials."""

from __future__ import annotations

import types

import hebbian

project = "hebbian"
author = "the hebbian developers"
copyright = "2026, the hebbian developers"
release = hebbian.__version__
version = release

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "tutorials"]
myst_heading_anchors = 3

# The API reference: one page per module, generated from the docstrings.
autosummary_generate = True
# Each name is documented where it is defined, not again where a package re-exports it.
autodoc_default_options = {"members": True, "ignore-module-all": True, "show-inheritance": True}
autodoc_typehints = "none"
autodoc_inherit_docstrings = False  # the standard library's docstrings are not numpydoc
numpydoc_show_class_members = False
numpydoc_xref_param_type = False

# Tutorials: plain Python scripts, executed at small sizes on every build.
sphinx_gallery_conf = {
    "examples_dirs": "tutorials",
    "gallery_dirs": "auto_tutorials",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "show_memory": False,
}

html_theme = "pydata_sphinx_theme"
html_title = f"hebbian {release}"
html_theme_options = {"show_toc_level": 2, "navigation_with_keys": False}


def _skip_aliases(app, what, name, obj, skip, options):
    """Type aliases (``X = tuple[...]``) are documented where they are used, not as members."""
    return True if isinstance(obj, types.GenericAlias) else None


def setup(app):
    app.connect("autodoc-skip-member", _skip_aliases)
