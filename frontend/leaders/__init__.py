"""Pages for residential group leaders (/to/): the group's households as walked, cutting
them into turfs, assigning turfs to teams and seeing which turf lags."""
