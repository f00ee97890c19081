"""Roster import speed against PostgreSQL's COPY of the same rows, in the same run.

    .venv/bin/python bench/roster_import.py [--rows 50000] [--runs 3]

A ward's list of --rows residents (4 to a household, every one with an ID number and a
mobile number: the heaviest roster) as a UTF-8 CSV, imported into one residential group by
`roster_import` (the code path of `manage.py import_roster` and the browser page) into a
fresh database. The baseline: the rows that import wrote to households_household and
households_resident, copied out and COPYed back into the emptied tables, timed the same way.
Each side is the median of --runs. Python's peak allocation (tracemalloc) is measured for
the full file and for a fifth of it: memory flat in the file's size means a ratio near 1.

Figures merged into bench/results.json and docs/benchmarks.md: roster_import_rows_per_s,
roster_copy_rows_per_s, roster_import_vs_copy_pct (target ≥ 50), roster_import_peak_mb,
roster_import_peak_ratio_5x. Its own database, tungnha_bench_roster (dropped and made again).
"""

import argparse
import io
import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("BENCH_DB_NAME", "tungnha_bench_roster")

from bench import procs  # noqa: E402

os.environ.update(procs.ENV)
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "True"  # no worker here; the import's own work is measured

RESULTS = ROOT / "bench" / "results.json"
TABLES = ("households_household", "households_resident")
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phương", "Quân", "Thảo"]
STREETS = ["Phố Đội Cấn", "Phố Kim Mã", "Phố Liễu Giai", "Phố Giang Văn Minh", "Phố Văn Cao"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def roster_csv(rows: int) -> bytes:
    """The list as a ward office exports it: one person a line, the household's code and
    address on each; valid, unique ID numbers (province 001) and mobile numbers."""
    out = io.StringIO()
    out.write("Họ và tên,Ngày sinh,Giới tính,Số định danh,Số điện thoại,Số nhà,Ngõ/ngách/hẻm,Đường/phố,Mã hộ\n")
    for n in range(rows):
        year, female = 1950 + n % 55, n % 2 == 1
        sex_digit = (1 if female else 0) if year < 2000 else (3 if female else 2)
        id_number = f"001{sex_digit}{year % 100:02d}{n:06d}"
        name = f"{FAMILY[n % 12]} {MIDDLE[(n // 12) % 8]} {GIVEN[(n // 96) % 13]}"
        home = n // 4
        out.write(f"{name},{1 + n % 28:02d}/{1 + n % 12:02d}/{year},{'Nữ' if female else 'Nam'},{id_number},"
                  f"09{n:08d},{1 + home % 300},Ngõ {1 + home // 300},{STREETS[home % 5]},H{home}\n")  # fmt: skip
    return out.getvalue().encode("utf-8")


def setup_django():
    procs.reset_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from households.models import Area, AreaKind

    province = Area.objects.create(code="01", name="Thành phố Hà Nội", kind=AreaKind.PROVINCE)
    commune = Area.objects.create(code="00004", name="Phường Ba Đình", kind=AreaKind.COMMUNE, parent=province)
    return Area.objects.create(code="00004-TDP05", name="Tổ dân phố 5", kind=AreaKind.GROUP, parent=commune)


def empty_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")


def timed_import(group, data: bytes) -> float:
    from households.roster import roster_import

    empty_tables()
    started = time.perf_counter()
    roster_import(area=group, data=data)
    return time.perf_counter() - started


def import_peak(group, data: bytes) -> int:
    """Python's peak allocation during an import, in a run of its own: tracemalloc slows
    every allocation several times over, so a timed run never has it on."""
    from households.roster import roster_import

    empty_tables()
    tracemalloc.start()
    roster_import(area=group, data=data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def copied_rows() -> dict[str, bytes]:
    """What the import wrote, as COPY text, to be written back by COPY."""
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            buffer = io.BytesIO()
            with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                for chunk in copy:
                    buffer.write(chunk)
            out[table] = buffer.getvalue()
    return out


def timed_copy(rows: dict[str, bytes]) -> float:
    from django.db import connection, transaction

    empty_tables()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in TABLES:
            with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                copy.write(rows[table])
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    group = setup_django()
    data, fifth = roster_csv(args.rows), roster_csv(args.rows // 5)
    log(f"roster: {args.rows:,} rows, {len(data):,} bytes")
    imports = []
    for run in range(args.runs):
        imports.append(timed_import(group, data))
        log(f"import run {run + 1}: {imports[-1]:.2f} s, {args.rows / imports[-1]:,.0f} rows/s")
    rows = copied_rows()
    copies = []
    for run in range(args.runs):
        copies.append(timed_copy(rows))
        log(f"COPY run {run + 1}: {copies[-1]:.2f} s, {args.rows / copies[-1]:,.0f} rows/s")
    peak, small_peak = import_peak(group, data), import_peak(group, fifth)
    log(f"peak allocation: {peak / 2**20:.0f} MB for the file, {small_peak / 2**20:.0f} MB for a fifth of it")
    import_rate, copy_rate = args.rows / statistics.median(imports), args.rows / statistics.median(copies)
    results = {
        "roster_import_rows": args.rows,
        "roster_import_rows_per_s": round(import_rate),
        "roster_copy_rows_per_s": round(copy_rate),
        "roster_import_vs_copy_pct": round(100 * import_rate / copy_rate, 1),
        "roster_import_peak_mb": round(peak / 2**20, 1),
        "roster_import_peak_ratio_5x": round(peak / small_peak, 2),
        "roster_bench_loadavg": os.getloadavg()[0],
    }
    merged = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps({**merged, **results}, indent=2, ensure_ascii=False) + "\n")
    write_page(results, args)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


TARGETS = {"roster_import_vs_copy_pct": (">=", 50, "%", "the import's rate against COPY of the same rows")}
LABELS = {
    "roster_import_rows_per_s": ("Roster import, rows per second", "rows/s"),
    "roster_copy_rows_per_s": ("COPY of the same rows, rows per second", "rows/s"),
    "roster_import_vs_copy_pct": ("Import against COPY", "%"),
    "roster_import_peak_mb": ("Python's peak allocation during the import", "MB"),
    "roster_import_peak_ratio_5x": ("Peak allocation, full file against a fifth of it", "×"),
}


def write_page(results: dict, args) -> None:
    from bench import report

    text = f"""## Roster import (`bench/roster_import.py`)

Part of `make bench`; last run **{report.now_text()}**, load average {results['roster_bench_loadavg']:.2f}.

{chr(10).join(report.figure_rows(results, LABELS, TARGETS))}

- **Input:** {args.rows:,} residents, 4 to a household, each with an ID number and a mobile
  number, as a UTF-8 CSV, imported into one residential group of a fresh PostgreSQL database
  by `households.roster.roster_import` (what `manage.py import_roster` and `/nhap-danh-sach/` run):
  reading, every normalisation and check, the registry lookups, the writes and their signal.
- **Baseline:** the rows that import wrote to `{TABLES[0]}` and `{TABLES[1]}`, copied out and
  written back by `COPY ... FROM STDIN` into the emptied tables (same indexes, same constraints)
  in one transaction. Median of {args.runs} runs each.
- **Memory:** tracemalloc's peak during an import of its own (never a timed one: tracemalloc
  slows every allocation several times over); the ratio compares the full file with a fifth
  of it (1 would be flat in the file's size; 5 grows with it).
"""
    report.write_section(text, ROOT / "docs" / "benchmarks.md", owner="bench/roster_import.py")


if __name__ == "__main__":
    sys.exit(main())
