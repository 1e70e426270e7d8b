"""The pre-placement rules PP01–PP19, one module each (see checks/registry.py)."""
