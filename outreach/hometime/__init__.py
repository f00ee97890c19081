"""When is someone home? Per household and window of the week, learned from visit outcomes
(someone home or not) with its building's, lane's and group's rates as a prior: the window
table (`windows.py`), the maths (`estimate.py`, pure), the sentence (`explain.py`), the
counts (`models.py`) kept by the push (`services.py`), and their reads (`selectors.py`)."""
