"""Fixtures for the matchers tests."""
