"""Providers, units, IVO permits, register import and change monitoring, contracts, jäv screening.

Not built yet: this package is the place for them (see issue "Provider register").
"""
