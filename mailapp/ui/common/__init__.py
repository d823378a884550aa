"""Pieces every page of the window shares: the task runner, the bridge,
toasts, charts, badges, the lazy table model, labels and translations.

Nothing here imports a page.
"""
