"""The sync protocol between the phones and the server (docs/sync-protocol.md)."""
