"""The background side: delay timers, dispatch, stop finalisation, expiry."""
