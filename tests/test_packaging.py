"""The wheel carries every package of the tree (a plain install imports them all)."""

from __future__ import annotations

import tomllib

from conftest import REPO
from setuptools import find_packages


def test_every_subpackage_goes_into_the_wheel() -> None:
    find = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["packages"]["find"]
    packaged = set(find_packages(str(REPO), include=find["include"]))
    found = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "reuse").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert "reuse.report.serve" in found and found == packaged
