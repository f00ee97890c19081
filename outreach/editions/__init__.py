"""The morning and evening editions of the group-chat report: made by Celery beat at the
hours an area sets (11:30 and 20:30 unless set), kept per day, each saying what changed
since the area's previous edition."""
