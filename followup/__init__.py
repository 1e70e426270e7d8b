"""Obligations of placed children (FU01–FU17), watch lists, scans and egenkontroll reports.

Not built yet: this package is the place for them (see issue "Follow-up of placed children").
"""
