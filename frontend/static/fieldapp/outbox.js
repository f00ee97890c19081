/* The outbox: every visit is written here before anything else happens, and leaves only
 * when the server has answered for it (sent log) or refused it for good (rejected list).
 * Shared by the page and the service worker (classic script on self.TN, see db.js).
 *
 * An item: {uuid, username, createdAt, body (the protocol's visit, never changed after
 * saving so a retry carries the same content), household (local key), label, summary,
 * attempts, lastError}.
 */
"use strict";

// A block keeps these names out of the worker's global scope (see db.js).
{
  const TN = (self.TN = self.TN || {});

  const { run, req } = TN.db;
  // Writes that hold a person's work wait for the disk ("strict"); Chromium's default
  // durability may lose the last writes if the phone dies right after.
  const STRICT = { durability: "strict" };
  const SENT_KEEP_MS = 7 * 24 * 3600 * 1000;
  const SENT_KEEP_MAX = 300;

  /** Save a visit, plus the households and residents it creates at the door, in one
   * transaction. `replaces` is the uuid of a rejected item this one corrects. */
  function save({ item, households = [], residents = [], replaces = null }) {
    // Only the stores written: a wider scope waits for (and makes wait) every read of the
    // households, and tells the pages their cached walk lists are stale when they are not.
    const stores = ["outbox"];
    if (households.length) stores.push("households");
    if (residents.length) stores.push("residents");
    if (replaces) stores.push("rejected");
    return run(stores, "readwrite", (tx) => {
      tx.objectStore("outbox").add(item);
      for (const h of households) tx.objectStore("households").put(h);
      for (const r of residents) tx.objectStore("residents").put(r);
      if (replaces) tx.objectStore("rejected").delete(replaces);
    }, STRICT);
  }

  const sortByTime = (items) => items.sort((a, b) => a.createdAt - b.createdAt);
  const queued = async () => sortByTime(await TN.db.all("outbox"));
  const rejected = async () => sortByTime(await TN.db.all("rejected"));
  const sent = async () => (await TN.db.all("sent")).sort((a, b) => b.sentAt - a.sentAt);

  /** Apply the server's per-item answers: accepted and duplicate leave for the sent log,
   * rejected ones for the rejected list. Items the server did not answer stay queued. */
  function settle(items, results) {
    const now = Date.now();
    return run(["outbox", "sent", "rejected"], "readwrite", async (tx) => {
      const outbox = tx.objectStore("outbox");
      items.forEach((item, i) => {
        const result = results[i];
        if (!result) return;
        if (result.status === "accepted" || result.status === "duplicate") {
          outbox.delete(item.uuid);
          tx.objectStore("sent").put({ ...item, sentAt: now, serverId: result.id || null, status: result.status });
        } else if (result.status === "rejected") {
          outbox.delete(item.uuid);
          tx.objectStore("rejected").put({ ...item, rejectedAt: now, error: result });
        }
      });
      // Keep the sent log short: a week, at most SENT_KEEP_MAX entries.
      const old = await req(tx.objectStore("sent").index("sentAt").getAllKeys(IDBKeyRange.upperBound(now - SENT_KEEP_MS)));
      for (const key of old) tx.objectStore("sent").delete(key);
      const keys = await req(tx.objectStore("sent").index("sentAt").getAllKeys());
      for (const key of keys.slice(0, Math.max(0, keys.length - SENT_KEEP_MAX))) tx.objectStore("sent").delete(key);
    }, STRICT);
  }

  /** Count a failed attempt on each item, for the outbox screen. */
  function noteAttempt(items, error) {
    return run(["outbox"], "readwrite", async (tx) => {
      for (const item of items) {
        const stored = await req(tx.objectStore("outbox").get(item.uuid));
        if (stored) tx.objectStore("outbox").put({ ...stored, attempts: (stored.attempts || 0) + 1, lastError: error });
      }
    });
  }

  const discard = (uuid) => run(["rejected"], "readwrite", (tx) => tx.objectStore("rejected").delete(uuid), STRICT);

  TN.outbox = { save, queued, rejected, sent, settle, noteAttempt, discard };
}
