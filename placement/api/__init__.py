"""The HTTP API and pages (aiohttp)."""
