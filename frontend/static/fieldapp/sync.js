/* When the phone talks to the server, and the status every screen shows.
 *
 * A sync is: who is signed in -> push that person's outbox -> pull the changes. It runs
 * on the online event, when the app comes back to the foreground, after every saved
 * visit, on a timer with backoff after a failure, from the "sync now" button, and when
 * the service worker's Background Sync fires while the app is open. One at a time, under
 * a lock shared with other tabs and the service worker. */

import { db, outbox, push, state, csrfToken, loadMeta } from "./store.js";
import { pullOffThread } from "./pullclient.js";
import { t, num } from "./i18n.js";
import { esc } from "./ui.js";

export const status = {
  state: "idle", // idle | syncing | offline | signed_out | error
  queued: 0, // this person's visits waiting to be sent
  others: 0, // visits recorded by someone else on this phone, waiting for them to sign in
  rejected: 0,
  // Why the last sync failed, when it did with a network around: "portal" (a Wi-Fi
  // sign-in page answers instead of the server), "unreachable" (nothing, or a gateway
  // error: the server cannot be reached), "server" (the server itself failed); null when
  // simply offline.
  problem: null,
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

/** The pull alone; if the session turns out to be someone else's, adopt them (their turfs
 * replace the last person's) and pull again for them. */
async function pullAsSession() {
  let pulled = await pullOffThread();
  if (pulled.state === "user_changed") {
    await adopt(pulled.user);
    pulled = await pullOffThread();
  } else if (pulled.state === "done" && pulled.user) {
    await adopt(pulled.user); // a name changed, the csrf cookie renewed
  }
  return pulled;
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
      // Nothing to send (the evening's most common sync): one request, the pull, whose
      // answer says whose session it is. With visits waiting, the session is asked first:
      // one person's visits must never go under another person's session.
      if (state.user && !(await outbox.queued()).length) return pullAsSession();
      const who = await push.whoami();
      if (who.state !== "ok") return who;
      await adopt(who.user);
      const pushed = await push.pushAs(who.user.username, csrfToken());
      if (pushed.state !== "done") return pushed;
      return pullOffThread(); // after the push, so our own visits come back with the pull
    });
  } catch (error) {
    console.error(error);
    result = { state: "server_error" };
  }
  status.problem = result.state === "offline" || result.state === "server_error" ? await diagnose(result) : null;
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

/** Tell apart what push.js and pull.js both report as "offline" or "server_error": a
 * captive portal answers our JSON requests with its HTML sign-in page (a 200) or with a
 * redirect to it, which fetch() follows to another site (a network error, as no portal
 * answers CORS). One more request, without following redirects, says which it was. */
async function diagnose(result) {
  if (!navigator.onLine) return null;
  let response;
  try {
    response = await fetch(push.SESSION_URL, { credentials: "same-origin", cache: "no-store", redirect: "manual",
      headers: { Accept: "application/json" } });
  } catch (_) {
    return "unreachable";
  }
  // Our session endpoint never redirects and always answers JSON.
  if (response.type === "opaqueredirect" || response.redirected) return "portal";
  if (response.ok && !(response.headers.get("Content-Type") || "").includes("json")) return "portal";
  if ([502, 503, 504].includes(response.status)) return "unreachable"; // a proxy with no server behind
  if (response.status >= 500) return "server";
  return result.state === "offline" ? "unreachable" : "server";
}

/** The header's pill: what the phone is doing, then (smaller, on its own line so that it
 * fits a 360 px screen) how many visits wait and that it will try again. */
function pillLines() {
  const waiting = status.queued ? t("chờ gửi {n}", { n: num(status.queued) }) : "";
  const rejected = status.rejected ? t("{n} lượt bị từ chối", { n: num(status.rejected) }) : "";
  switch (status.state) {
    case "syncing":
      return [t("Đang đồng bộ…"), ""];
    case "signed_out":
      return [t("Cần đăng nhập lại"), waiting];
    case "offline":
    case "error": {
      const head = { portal: t("Cần đăng nhập Wi-Fi"), unreachable: t("Mất kết nối máy chủ"),
        server: t("Máy chủ lỗi") }[status.problem] || (status.state === "offline" ? t("Ngoại tuyến") : t("Máy chủ lỗi"));
      const retry = status.state === "error" || status.problem ? t("sẽ thử lại") : "";
      return [head, [waiting, retry].filter(Boolean).join(" · ")];
    }
    default:
      // A rejected visit waits for the person, not for the network: never "all sent".
      if (rejected) return [rejected, waiting];
      return [status.queued ? t("Chờ gửi {n}", { n: num(status.queued) }) : t("Đã gửi hết"), ""];
  }
}

function showPill() {
  const button = document.getElementById("sync");
  if (!button) return;
  const [head, tail] = pillLines();
  const text = [head, tail].filter(Boolean).join(" · ");
  button.innerHTML = `<span class="l1">${esc(head)}</span>${tail ? `<span class="l2">${esc(tail)}</span>` : ""}`;
  button.setAttribute("aria-label", text);
  button.title = text;
  button.dataset.problem = status.problem || "";
  button.classList.toggle("has-rejected", status.state === "idle" && status.rejected > 0);
  document.documentElement.dataset.problem = status.problem || "";
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
  // After app.js's own status listener (registered before this is called), which writes
  // the pill's old one-line text: this one has the last word.
  // TODO(app.js owner): drop SYNC_TEXT and the pill's textContent from app.js showStatus.
  onStatus(showPill);
  showPill();
  addEventListener("online", () => {
    failures = 0;
    syncNow();
  });
  addEventListener("offline", () => {
    status.problem = null;
    setState("offline");
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncNow();
  });
  navigator.serviceWorker?.addEventListener("message", (event) => {
    if (event.data && event.data.type === "sync") syncNow();
  });
  return syncNow();
}
