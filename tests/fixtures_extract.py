"""Fixtures for the extract tests."""
