"""The audit log of personal data (DESIGN.md §6, Decree 13/2023): who read or changed what,
where, when and from which device.

    models.py     AuditEvent, append-only (Python refuses update and delete; on PostgreSQL
                  a trigger refuses them too)
    origin.py     the caller's IP address and device, from the request
    services.py   the writes: one row per bulk read, reveal or change
    selectors.py  the reads of the audit page, scoped by Capability.READ_AUDIT
    adminlog.py   the ModelAdmin mixin that logs change-page reads and admin edits
    receivers.py  registry events (roster imports) the registry cannot log itself

Visits pushed from the phones are not logged here: the visit log itself (each Visit row
carries who recorded it, with which team, the device time and the server time) is the audit
trail of field work, and a row per pushed visit would double the push's writes.
"""
