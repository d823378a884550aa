"""The desktop window: PySide6 widgets over the services.

Rules every module here keeps: the GUI thread never waits on the database
or the network (work goes through :class:`mailapp.ui.common.tasks.TaskRunner`),
notifications reach the GUI thread through :class:`mailapp.ui.common.bridge.Bridge`
only, and every user-visible string goes through ``tr()``.
"""
