"""The main window around the pages: its toolbar and menus, the sending log
dock and the supervision of the worker that sends.
"""
