"""Helpers shared by the tests: servers and fixtures that are not tests themselves."""
