"""Fixtures shared with the admin tests."""

from tests.admin.conftest import module_database_url as module_database_url
