"""Repositories: the only code that holds SQL for the placement core. Methods take keyword-only
arguments and return pydantic models; each call runs inside the caller's transaction."""
