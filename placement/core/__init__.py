"""The pure core: the vocabularies, identifiers, dates and calendar, legal references, the rule
registry and its types, and name normalisation.

It imports nothing else of ours (the rulebook's ``_load`` is the one known exception until issue
#15) and nothing of aiohttp or asyncpg, so the rules, the follow-up obligations and the service
can all build on it; ``tests/test_import_graph.py`` keeps it so.
"""
