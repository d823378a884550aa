"""The package list, which pyproject.toml alone cannot give.

``packages.find`` looks only under ``mailapp/``; the two data folders at the
top level (``resources/``, ``packaging/``) are mapped into the package by
``[tool.setuptools.package-dir]`` and their folders must be listed too.
Everything else is in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup


def packages(name: str, where: str) -> list[str]:
    """``name`` and every folder under ``where`` as its subpackages."""
    found = find_namespace_packages(where=where, exclude=["*__pycache__*"])
    return [name, *(f"{name}.{sub}" for sub in found)]


setup(
    packages=[
        *packages("mailapp", "mailapp"),
        *packages("mailapp.resources", "resources"),
        *packages("mailapp.packaging", "packaging"),
    ]
)
