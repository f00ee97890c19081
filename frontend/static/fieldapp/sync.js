/* When the phone talks to the server, and the status every screen shows.
 *
 * A sync is: who is signed in -> push that person's outbox -> pull the changes. It runs
 * on the online event, when the app comes back to the foreground, after every saved
 * visit, on a timer with backoff after a failure, from the "sync now" button, and when
 * the service worker's Background Sync fires while the app is open. One at a time, under
 * a lock shared with other tabs and the service worker. */

import { db, outbox, push, state, csrfToken, loadMeta } from "./store.js";
import { pullAll } from "./pull.js";

export const status = {
  state: "idle", // idle | syncing | offline | signed_out | error
  queued: 0, // this person's visits waiting to be sent
  others: 0, // visits recorded by someone else on this phone, waiting for them to sign in
  rejected: 0,
  lastSyncAt: null,
};
const listeners = new Set();
export const onStatus = (fn) => listeners.add(fn);
const emit = (what) => listeners.forEach((fn) => fn(what));

const BACKOFF_S = [15, 30, 60, 120, 300, 600];
const PERIODIC_MS = 5 * 60 * 1000; // teammates' visits, while the app is on screen
let running = null;
let again = false;
let failures = 0;
let timer = null;

export async function refreshCounts() {
  const [queued, rejected] = await Promise.all([outbox.queued(), outbox.rejected()]);
  const me = state.user && state.user.username;
  status.queued = queued.filter((item) => item.username === me).length;
  status.others = queued.length - status.queued;
  status.rejected = rejected.filter((item) => item.username === me).length;
  Object.assign(document.documentElement.dataset, { queued: status.queued, rejected: status.rejected, others: status.others });
  emit("counts");
}
self.TN.onPushProgress = () => refreshCounts();

/** Someone signed in. A different person from the one whose turfs are cached: forget the
 * turfs (they may see only their own, Decree 13/2023), keep every queued visit. */
async function adopt(user) {
  const { dataOwner } = await db.getMeta(["dataOwner"]);
  if (dataOwner && dataOwner !== user.username) await db.clearTurfData();
  await db.setMeta({ user, dataOwner: user.username, csrf: csrfToken() });
  const changed = !state.user || state.user.username !== user.username;
  state.user = user;
  if (changed) {
    await loadMeta();
    emit("user");
  }
}

export function syncNow() {
  if (running) {
    again = true;
    return running;
  }
  clearTimeout(timer);
  running = (async () => {
    try {
      do {
        again = false;
        await cycle();
      } while (again);
    } finally {
      running = null;
    }
  })();
  return running;
}

async function cycle() {
  setState("syncing");
  let result;
  try {
    result = await push.withLock(async () => {
      const who = await push.whoami();
      if (who.state !== "ok") return who;
      await adopt(who.user);
      const pushed = await push.pushAs(who.user.username, csrfToken());
      if (pushed.state !== "done") return pushed;
      return pullAll(); // after the push, so our own visits come back with the pull
    });
  } catch (error) {
    console.error(error);
    result = { state: "server_error" };
  }
  if (result.state === "signed_out") state.session = "signed_out";
  else if (result.state !== "offline") state.session = "ok";
  await refreshCounts();
  if (result.state === "done") {
    failures = 0;
    status.lastSyncAt = Date.now();
    setState("idle");
    schedule(PERIODIC_MS);
  } else if (result.state === "signed_out") {
    setState("signed_out"); // nothing to retry until the person signs in again
  } else {
    setState(result.state === "offline" ? "offline" : "error");
    schedule(Math.max((result.retryAfter || 0) * 1000, BACKOFF_S[Math.min(failures, BACKOFF_S.length - 1)] * 1000));
    failures++;
  }
  emit(result.changed ? "data" : "synced");
}

function setState(value) {
  status.state = value;
  document.documentElement.dataset.sync = value; // for the tests and the CSS
  emit("state");
}

function schedule(ms) {
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (document.visibilityState === "visible" || status.queued) syncNow();
    else schedule(ms);
  }, ms);
}

/** Ask the browser to wake the service worker when the connection returns, even if the
 * app is closed by then (Chromium; elsewhere the triggers above do it). */
export async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    if (registration && registration.sync) await registration.sync.register("tungnha-outbox");
  } catch (_) { /* not allowed here: the timer and the online event remain */ }
}

export function startSync() {
  addEventListener("online", () => {
    failures = 0;
    syncNow();
  });
  addEventListener("offline", () => setState("offline"));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncNow();
  });
  navigator.serviceWorker?.addEventListener("message", (event) => {
    if (event.data && event.data.type === "sync") syncNow();
  });
  return syncNow();
}
