"""The audit trail: an append-only, hash-chained record of who changed what, from where, and why."""
