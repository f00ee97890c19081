/* Registers the field app's service worker from every page, as django-pwa's
 * {% progressive_web_app_meta %} did with an inline script, which the Content-Security-Policy
 * (script-src 'self') now blocks. Installed from the login page, the worker has the app's
 * files cached by the time a team member first opens /app/; the app itself registers the
 * same worker again (static/fieldapp/app.js), which is a no-op. */
"use strict";
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/serviceworker.js", { scope: "/" }).catch(() => null);
}
