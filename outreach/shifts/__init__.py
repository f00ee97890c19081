"""A team's shifts: who was present from when to when, and the hand-over note the next
shift reads first (`models.py`, `services.py`); what each shift recorded (`selectors.py`)."""
