"""The data-quality board ("Chất lượng dữ liệu": đúng, đủ, sạch, sống), per area.

    checks.py     the registry of checks: slug, group, title, columns, and the selector
    correct.py    Đúng: the same person twice, shared phones, ID digits against birth, age at the door
    complete.py   Đủ: eligible residents without ID number, phone or birth date; empty
                  households; eligible people never given an outcome
    clean.py      Sạch: the possible-duplicates queue, mojibake and non-NFC names
    current.py    Sống: KT2, moved and deceased reported at the door; households not visited lately
    doubt.py      visits to doubt: too fast, too far, too successful, contradicting
    base.py       Scope, Params, Check; the columns and one row's values for the page and the
                  .xlsx, minimised to the reader's role
    board.py      the counts per check (COUNT queries, never the rows)
    merge.py      merging two records of one person, every visit kept
    services.py   an officer's decisions (confirm, dismiss, confirm moved or deceased)
    models.py     QualityDecision

Every selector takes a `Scope` (the area, inside the officer's grants, and the campaign);
the pages (frontend.quality) check the grants.
"""
