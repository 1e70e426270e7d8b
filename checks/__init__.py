"""Pre-placement rules (PP01–PP23) and the runner that evaluates them. Pure: no aiohttp, no asyncpg.

One module per rule in checks/rules/, the registry and runner in checks/registry.py, the facts a
check reads in checks/facts.py; the egenkontroll code EK01 in checks/egenkontroll/.
"""
