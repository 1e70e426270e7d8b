"""The pure core: the vocabularies, identifiers, dates and calendar, statutory time, legal
references, the rule registry and its types, and name normalisation.

It imports nothing else of ours and nothing of aiohttp or asyncpg, so the rules, the follow-up
obligations and the service can all build on it; ``tests/test_import_graph.py`` keeps it so.
"""
