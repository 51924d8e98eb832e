"""Quality tests: ansible-lint, ansible-test sanity, module docs, role argument specs.

A package (not loose modules) so that its conftest does not shadow
tests/unit/conftest.py, which the unit tests import as ``conftest``.
"""
