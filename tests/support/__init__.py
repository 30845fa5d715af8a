"""Test helpers shared by the test modules (fixtures themselves live in conftest.py)."""
