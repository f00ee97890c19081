// Placeholder service worker; the field app (issue 4) replaces it with the offline shell.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
