"""Fixtures of the report tests: the petition tests' actors."""

from tests.petitions.conftest import _clear_rate_limits, head, peace_head, staff  # noqa: F401
