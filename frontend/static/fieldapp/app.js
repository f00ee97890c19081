/* The field app: boot, the screens' router, the header's sync status and the banners.
 *
 * Everything works from IndexedDB: the network is only used to sync (sync.js). Routes are
 * in the URL hash so the one cached shell page (/app/) serves every screen offline. */

import { t, num } from "./i18n.js";
import { db, state, loadMeta, parseId } from "./store.js";
import { status, onStatus, startSync, syncNow } from "./sync.js";
import { resummarizeDaily } from "./pull.js";
import { $, toast } from "./ui.js";
import { showWalkList } from "./walklist.js";
import { showHousehold, showFix, isDirty } from "./household.js";
import { showNewHousehold } from "./newhousehold.js";
import { showOutbox } from "./outboxview.js";
import { showProgress } from "./progress.js";
import { showMenu, workerVersion } from "./menu.js";
import { stopPosition } from "./geo.js";

// notice.js, loaded in boot() (a dynamic import: see there).
let notices = null;

export const LOGIN_URL = "/accounts/login/?next=/app/%3Ffresh%3D1";

const routes = [
  [/^#?\/?$/, () => showWalkList(), "list"],
  [/^#\/h\/([^/]+)$/, (m) => showHousehold(parseId(decodeURIComponent(m[1]))), "list"],
  [/^#\/fix\/([^/]+)$/, (m) => showFix(decodeURIComponent(m[1])), "outbox"],
  [/^#\/new$/, () => showNewHousehold(), "list"],
  [/^#\/outbox$/, () => showOutbox(), "outbox"],
  [/^#\/progress$/, () => showProgress(), "progress"],
  [/^#\/menu$/, () => showMenu(), "menu"],
];

async function route() {
  const hash = location.hash || "#/";
  for (const [pattern, show, tab] of routes) {
    const match = hash.match(pattern);
    if (!match) continue;
    for (const a of document.querySelectorAll(".tabs a")) a.toggleAttribute("aria-current", a.dataset.tab === tab);
    stopPosition(); // a visit form left unsaved: no GPS watch behind another screen
    await show(match);
    if (notices) notices.followTurf();
    return;
  }
  location.hash = "#/";
}

/** Re-render the current screen after a sync changed the data, unless the person is
 * filling in a form (their taps must not be thrown away under their thumb) or reading the
 * "saved" panel of the visit just made (its "next household" button would vanish). */
function refresh() {
  if (!isDirty() && !document.querySelector(".editing, .saved")) route();
}

function showStatus() {
  // The pill's text is sync.js's (showPill); here only what the rest of the page shows.
  $("#sync").dataset.state = status.state;
  const badge = $("#badge");
  const count = status.queued + status.rejected;
  badge.hidden = !count;
  badge.textContent = num(count);
  badge.classList.toggle("bad", status.rejected > 0);
  const banner = $("#banner");
  if (status.state === "signed_out") {
    banner.hidden = false;
    banner.innerHTML = "";
    const p = document.createElement("p");
    p.textContent = status.queued
      ? t("Phiên đăng nhập đã hết. {n} lượt vẫn được giữ trên máy và sẽ được gửi khi bạn đăng nhập lại.", { n: num(status.queued) })
      : t("Phiên đăng nhập đã hết. Hãy đăng nhập lại để đồng bộ.");
    const a = document.createElement("a");
    a.href = LOGIN_URL;
    a.className = "button";
    a.textContent = t("Đăng nhập lại");
    banner.append(p, a);
  } else if (!banner.dataset.keep) {
    banner.hidden = true;
  }
}

/** What the last pull changed, in one line; the screen redrawn when the codes changed
 * (the pull reloads the page's state only when households or turfs came) or the walk list
 * is to move to a new turf. */
async function tellChange(change) {
  if (!change) return;
  if (change.codes) await loadMeta();
  notices.show(change.text);
  if (change.codes || change.moveTo != null) refresh();
}

/** A new release took over (service worker activated): reload into it now if nothing is
 * being typed, otherwise offer it. The queued visits are in IndexedDB either way. */
function offerReload() {
  if (!isDirty()) {
    location.reload();
    return;
  }
  const banner = $("#banner");
  banner.hidden = false;
  banner.dataset.keep = "1";
  banner.innerHTML = "";
  const p = document.createElement("p");
  p.textContent = t("Đã có phiên bản mới của ứng dụng.");
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = t("Tải lại");
  b.onclick = () => location.reload();
  banner.append(p, b);
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  const sw = navigator.serviceWorker;
  // The release that was active when this page started. A new controller running another
  // release means an update: reload into it. The same release means the worker merely
  // took this page over (first start), which needs nothing.
  let started = null;
  sw.ready.then(async (registration) => { started = started || (await workerVersion(registration.active)); });
  sw.addEventListener("controllerchange", async () => {
    const now = await workerVersion(sw.controller);
    if (started && now && now !== started) offerReload();
    else started = started || now;
  });
  // The same registration django-pwa makes from every page: one worker, scope "/".
  sw.register("/serviceworker.js", { scope: "/" }).then((registration) => {
    // Look for a new release whenever the network may have come back.
    const check = () => registration.update().catch(() => null);
    addEventListener("online", check);
    document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && check());
  }, () => null);
  sw.ready.then(async (registration) => {
    // The shell may not be cached yet (the worker was installed from the login page,
    // before there was a session): ask for it now, while we are online and signed in.
    if (!(await caches.match("/app/")) && navigator.onLine) {
      await new Promise((resolve) => {
        sw.addEventListener("message", function done(event) {
          if (event.data && event.data.type === "shell-cached") {
            sw.removeEventListener("message", done);
            resolve();
          }
        });
        registration.active.postMessage({ type: "cache-shell" });
        setTimeout(resolve, 10000);
      });
    }
    if (await caches.match("/app/")) document.documentElement.dataset.offline = "ready";
  });
}

async function boot() {
  document.documentElement.dataset.dbVersion = String(db.VERSION);
  self.TN.onVersionChange = offerReload; // a newer release wants to upgrade the database
  if (location.search.includes("fresh")) history.replaceState(null, "", "/app/" + location.hash);
  registerServiceWorker();
  // notice.js is imported here rather than at the top so that the shell's modulepreload
  // list (templates/fieldapp/shell.html, checked by test_fieldapp_assets.py) needs no entry.
  [notices] = await Promise.all([import("./notice.js"), loadMeta()]);
  onStatus((what) => {
    showStatus();
    if (what === "state" && status.state === "syncing") notices.snapshot();
    if (what === "data" || what === "synced") notices.compare().then(tellChange, (error) => console.error(error));
    if (what === "data" || what === "user") refresh();
  });
  $("#sync").addEventListener("click", () => syncNow());
  addEventListener("hashchange", route);
  await route();
  // Once a day, after the first screen is up rather than before it (yesterday's summaries
  // are right but for whoever turned 14 overnight): a pass over every household.
  resummarizeDaily().then((changed) => changed && refresh(), (error) => console.error(error));
  const first = startSync();
  if (!state.campaign) {
    // Nothing downloaded yet: the first sign-in needs the network once.
    await first;
    if (state.session === "signed_out") location.assign(LOGIN_URL);
    else if (!state.campaign) toast(t("Cần có mạng để tải danh sách lần đầu."), "bad");
  }
  // Ask the browser not to evict the outbox under storage pressure.
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persisted().then((done) => done || navigator.storage.persist()).catch(() => null);
  }
}

boot().catch((error) => {
  console.error(error);
  toast(t("Lỗi khi mở ứng dụng: {error}", { error: error.message || error }), "bad");
});
