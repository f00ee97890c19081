"""What the registry announces to the layers above it, which it must not import.

`roster_imported`: a roster file was written in one bulk insert, which sends no post_save.
Sent inside the import's transaction, so whatever a receiver writes commits or rolls back
with the rows (and a receiver that fails undoes the import). Arguments: `area` (the area
the file was imported into), `household_ids` (the households created) and `group_ids`
(the residential groups they lie in). The campaign layer recounts its totals from it
(outreach/rollups/receivers.py).
"""

from django.dispatch import Signal

roster_imported = Signal()
