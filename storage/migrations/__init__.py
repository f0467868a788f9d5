"""Alembic environment of cadreflow (a package so that it ships in the wheel)."""
