"""The settings dialog and the sandbox outbox."""
