"""The outbound-mail DLP gateway service around the ``matchers`` engine."""

__version__ = "0.1.0"
