"""Regenerate dvhc_2025.csv, the official list `manage.py load_areas` reads by default.

Run once by hand, not at run time (the project takes no dependency for it):

    pip download vietnamadminunits==1.0.4 --no-deps -d /tmp/dvhc
    unzip -o /tmp/dvhc/vietnamadminunits-1.0.4-py3-none-any.whl -d /tmp/dvhc
    python households/data/make_dvhc_2025.py /tmp/dvhc/vietnamadminunits/data/dataset.db

It reads the package's `admin_units` table (one row per commune, with its province) and
writes code, name, kind, parent_code: the 34 provinces first, then the 3,321 communes, each
ordered by code, names in NFC. See README.md for where the codes come from and why this
source was chosen.
"""

import csv
import sqlite3
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).with_name("dvhc_2025.csv")


def main(db_path: str) -> None:
    rows = sqlite3.connect(db_path).execute(
        "SELECT provinceCode, province, wardCode, ward FROM admin_units ORDER BY wardCode"
    ).fetchall()
    provinces = sorted({(p_code, p_name) for p_code, p_name, _, _ in rows})
    with OUT.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["code", "name", "kind", "parent_code"])
        for code, name in provinces:
            writer.writerow([code, unicodedata.normalize("NFC", name), "province", ""])
        for p_code, _, code, name in rows:
            writer.writerow([code, unicodedata.normalize("NFC", name), "commune", p_code])
    print(f"{OUT}: {len(provinces)} provinces, {len(rows)} communes")


if __name__ == "__main__":
    main(sys.argv[1])
