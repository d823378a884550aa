"""mailapp: email mailings that can be paused and stopped safely while they go out."""

#: The one place the version is written: pyproject.toml reads it for the
#: package, ``mailapp --version`` and the About dialog show it.
__version__ = "0.1.0"
