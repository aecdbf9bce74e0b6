"""Fixtures for the console tests."""
