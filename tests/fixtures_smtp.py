"""Fixtures for the smtp tests."""
