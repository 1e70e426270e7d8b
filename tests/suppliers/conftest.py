"""Register tests connect as the owner (fixture ``owner`` in tests/conftest.py): national data is
written only by the register import."""
