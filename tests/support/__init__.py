"""The tests' one support package: a fake upstream, a settings builder, a message builder, one set
of addresses, and a builder of held cases that goes through the real hold path.

- :mod:`.addresses`: who sends, who receives, who is an officer;
- :mod:`.upstream`: :class:`~.upstream.Upstream`, a real aiosmtpd server in its own thread
  (usable from async in-process tests and from subprocess tests alike);
- :mod:`.settings`: :func:`~.settings.make_settings`;
- :mod:`.messages`: :func:`~.messages.message`;
- :mod:`.cases`: :func:`~.cases.hold_case` (real Inspector → real ``Quarantine.hold``).

The pytest fixtures wrapping them live in ``tests/fixtures_*.py`` (registered in conftest).
"""
