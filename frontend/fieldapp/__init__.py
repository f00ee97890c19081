"""The field app: an offline-first PWA for door-knocking teams, served at /app/.

The server side is deliberately thin: one shell page (cached by the service worker, so it
must not depend on who is signed in) and a tiny "who am I" endpoint. All data comes from
the sync API (/api/v1/sync/pull and /push); the app lives in static/fieldapp/.
"""
