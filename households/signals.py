"""What the registry announces to the layers above it, which it must not import.

`roster_imported`: a roster file was written in bulk inserts and updates, which send no
post_save. Sent inside the import's transaction, so whatever a receiver writes commits or
rolls back with the rows (and a receiver that fails undoes the import); not sent when the
file changed nothing. Arguments: `area` (the area the file was imported into),
`household_ids` (the households created), `group_ids` (every residential group whose
counts may have moved: of the households created, of the registered ones changed, the
groups people or households moved from and to), and, since re-imports update (issue 16,
item 4), `updated_ids` (registered households changed, given new residents or left by
one), `residents_created` and `residents_updated` (counts). A receiver should take
**kwargs. The campaign layer recounts its totals from it (outreach/rollups/receivers.py)
and the audit log writes one row (outreach/audit/receivers.py).

`areas_loaded`: `manage.py load_areas` changed the administrative map (households/areas_load.py).
Sent inside the load's transaction, only when something changed. Arguments: `root` (the
national Area) and `result` (its LoadResult: codes created, renamed, moved). The audit log
records it and the rollups re-sum the tree.
"""

from django.dispatch import Signal

roster_imported = Signal()
areas_loaded = Signal()
