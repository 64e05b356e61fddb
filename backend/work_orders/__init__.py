"""Fault work orders (故障工单).

The modules here are pure decisions with no I/O, so REST handlers, the sync engine and the
SLA scheduler all reach the same answer from the same facts:

- ``sla``            severity, SLA policy with contract overrides, deadlines
- ``transitions``    the one status table and the requirements of each move
- ``device_time``    which timestamp of an offline phone the server can vouch for
- ``escalation``     80 % warnings, tiered escalation, breach flags, urgency order
- ``dispatch_rules`` nearest available technician
- ``follow_up``      follow-up window after closing and what dissatisfaction triggers
"""
