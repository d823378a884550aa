"""Providers: rendering and building messages, handing them over by SMTP.

The modules are imported one by one (``mailapp.delivery.smtp``...) so that
rendering a template does not load the SMTP server, and the other way round.

* :mod:`.render` — user templates in a sandbox, compiled once, rendered per contact.
* :mod:`.message` — the bytes of one message (headers, text and HTML parts).
* :mod:`.smtp` — one SMTP connection that knows whether a message may have
  been handed over.
* :mod:`.sandbox` — the built-in provider: a local SMTP server and its outbox.
* :mod:`.ratelimit` — at most N messages a second across threads.
* :mod:`.credentials` — the SMTP password in the system keyring.
"""
