"""What the registry announces to the layers above it, which it must not import.

`roster_imported`: a roster file was written in one bulk insert, which sends no post_save.
Sent inside the import's transaction, so whatever a receiver writes commits or rolls back
with the rows (and a receiver that fails undoes the import). Arguments: `area` (the area
the file was imported into), `household_ids` (the households created) and `group_ids`
(the residential groups they lie in). The campaign layer recounts its totals from it
(outreach/rollups/receivers.py).

`areas_loaded`: `manage.py load_areas` changed the administrative map (households/areas_load.py).
Sent inside the load's transaction, only when something changed. Arguments: `root` (the
national Area) and `result` (its LoadResult: codes created, renamed, moved). The audit log
records it and the rollups re-sum the tree.
"""

from django.dispatch import Signal

roster_imported = Signal()
areas_loaded = Signal()
