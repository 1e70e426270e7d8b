"""The web application: server-rendered Swedish pages for social workers and unit leads.

A presentation layer over the same repositories the API uses (no rule, due date or SQL written
twice), with its own sign-in (OpenID Connect, or the demo users in demo mode) and server-side
sessions in PostgreSQL. Mounted on the service's aiohttp application at ``/``; the API stays at
``/api/v1``.
"""
