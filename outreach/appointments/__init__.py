"""Home appointments: an officer or group leader books a time window and a team for a
household whose resident needs home support (elderly alone, disabled, sick); the team's
phones pull it with the household and show it first that evening, and the visit recorded
there closes it in the push (`models.py`, writes in `services.py`, reads in `selectors.py`,
the push's closing in `closing.py`)."""
