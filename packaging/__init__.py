"""The freedesktop files, installed as ``mailapp.packaging``: the desktop
entry and the AppStream metainfo that ``mailapp desktop-entry`` installs."""
