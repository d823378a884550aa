"""mailapp: email mailings that can be paused and stopped safely while they go out."""

__version__ = "0.1.0"
