/* Sending the outbox (docs/sync-protocol.md, "Push"). Shared by the page and the service
 * worker's Background Sync (classic script on self.TN, see db.js).
 *
 * Only a 200 with per-item results settles anything. A network error, a 5xx or an answer
 * we cannot read keeps every item queued; 401/403 keeps them too and asks the person to
 * sign in again. Items are sent only under the session of the person who recorded them,
 * because the server records a visit under the session's user.
 */
"use strict";

// A block keeps these names out of the worker's global scope (see db.js).
{
  const TN = (self.TN = self.TN || {});

  const PUSH_URL = "/api/v1/sync/push";
  const SESSION_URL = "/app/session";
  const BATCH = 100; // well under the server's 500 items / 2 MB, and quick on one bar

  /** Who the session belongs to: {state: "ok", user} | {state: "signed_out"} |
   * {state: "offline"} | {state: "server_error"}. */
  async function whoami() {
    let response;
    try {
      response = await fetch(SESSION_URL, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } });
    } catch (_) {
      return { state: "offline" };
    }
    if (response.status === 401 || response.status === 403) return { state: "signed_out" };
    if (!response.ok) return { state: "server_error" };
    try {
      const body = await response.json();
      return { state: "ok", user: { username: body.username, name: body.name } };
    } catch (_) {
      return { state: "server_error" };
    }
  }

  /** Send every queued item recorded by `username`, in batches, oldest first.
   * Resolves with {state, sent, rejected} where state is "done", "offline",
   * "signed_out" or "server_error" (the last three: try again later). */
  async function pushAs(username, csrfToken) {
    let sent = 0;
    let rejected = 0;
    let size = BATCH;
    for (;;) {
      const mine = (await TN.outbox.queued()).filter((item) => item.username === username);
      if (!mine.length) return { state: "done", sent, rejected };
      const batch = mine.slice(0, size);
      const response = await post(batch, csrfToken);
      if (!response) {
        // The request may or may not have reached the server: the items stay queued and
        // the retry carries the same UUIDs, which the server answers "duplicate".
        await TN.outbox.noteAttempt(batch, "offline");
        return { state: "offline", sent, rejected };
      }
      if (response.status === 401 || response.status === 403) {
        await TN.outbox.noteAttempt(batch, "signed_out");
        return { state: "signed_out", sent, rejected };
      }
      if (response.status === 413 && size > 1) {
        size = Math.max(1, Math.floor(size / 2)); // too large: try smaller batches
        continue;
      }
      const results = await resultsOf(response, batch);
      if (!results) {
        await TN.outbox.noteAttempt(batch, "server_error");
        return { state: "server_error", sent, rejected, retryAfter: Number(response.headers.get("Retry-After")) || 0 };
      }
      await TN.outbox.settle(batch, results);
      for (const r of results) {
        if (r.status === "rejected") rejected++;
        else sent++;
      }
      if (TN.onPushProgress) TN.onPushProgress({ sent, rejected });
    }
  }

  /** POST one batch. Resolves with the response, or null when none came (offline). */
  async function post(batch, csrfToken) {
    try {
      return await fetch(PUSH_URL, {
        method: "POST",
        credentials: "same-origin",
        cache: "no-store",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken || "" },
        body: JSON.stringify({ visits: batch.map((item) => item.body) }),
      });
    } catch (_) {
      return null;
    }
  }

  /** The per-item results that settle `batch`, or null when the answer settles nothing
   * (a 5xx, or a 200 we cannot read: the items stay queued). */
  async function resultsOf(response, batch) {
    let results = null;
    if (response.ok) {
      try {
        results = (await response.json()).results;
      } catch (_) {
        results = null; // a cut-off answer: as good as none
      }
    }
    if (response.status >= 500 || (response.ok && (!Array.isArray(results) || results.length !== batch.length))) {
      return null;
    }
    if (response.ok) return results;
    // Any other 4xx refuses the whole request and will refuse it again: move the items
    // where the person can see them and send them again, rather than retry for ever.
    let error = {};
    try {
      error = (await response.json()).error || {};
    } catch (_) { /* not JSON */ }
    return batch.map(() => ({ status: "rejected", code: error.code || `http_${response.status}`,
      message_vi: error.message_vi || "", message_en: error.message_en || "" }));
  }

  /** Run fn under a lock shared by every tab and the service worker, so two of them never
   * send the same batch at once (harmless, as the server dedupes, but wasteful on one bar). */
  function withLock(fn) {
    if (self.navigator && navigator.locks) return navigator.locks.request("tungnha-sync", fn);
    return fn();
  }

  TN.push = { whoami, pushAs, withLock, PUSH_URL, SESSION_URL };
}
