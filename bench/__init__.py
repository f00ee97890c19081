"""`make bench`: throughput and size figures of the sync protocol on PostgreSQL.

A package (not a loose folder of scripts) because the gunicorn server and the Celery worker
the benchmark starts import `bench.settings`, `bench.urls` and `bench.naive` by name.
Entry point: bench/run.py; results: bench/results.json and docs/benchmarks.md.
"""
