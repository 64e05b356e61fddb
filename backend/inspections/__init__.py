"""Inspections (巡检): checklist templates, plan schedules and item evaluation.

``schedule`` turns plan frequencies into idempotent rounds, ``templates`` loads the versioned
checklist data shipped in ``templates/*.json`` and ``checks`` judges one answer to one item.
"""
