"""Pre-placement rules (PP01–PP23) and the runner that evaluates them. Pure: no aiohttp, no asyncpg.

Not built yet: this package is the place for them (see issue "Pre-placement check run").
"""
