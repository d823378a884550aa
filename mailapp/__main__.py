import multiprocessing

# In the bundle, a process started with ``spawn`` (the reader of a big CSV
# import) is this same executable again: it must run the code it was
# started for, not the command line. Outside a bundle this does nothing.
multiprocessing.freeze_support()

from mailapp.cli import main  # noqa: E402

raise SystemExit(main())
