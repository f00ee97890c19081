"""Home appointments (/hen-tai-nha/: the officers' and group leaders' booking pages and the
missed list) and team shifts (/ca-lam-viec/: open, close, hand-over, output per shift)."""
