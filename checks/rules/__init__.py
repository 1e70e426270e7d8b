"""The pre-placement rules PP01–PP23, one module each (see checks/registry.py)."""
