/* The person and the phone: who is signed in, language, storage, the app's version,
 * download everything again, sign out (warning when visits are still waiting). */

import { t, num, isVi } from "./i18n.js";
import { db, state, csrfToken } from "./store.js";
import { status, syncNow, refreshCounts } from "./sync.js";
import { esc, view, toast } from "./ui.js";

/** The release a service worker runs (VERSION in serviceworker.js), or null. */
export function workerVersion(worker) {
  if (!worker) return Promise.resolve(null);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data.version);
    worker.postMessage({ type: "version" }, [channel.port2]);
    setTimeout(() => resolve(null), 3000);
  });
}

async function post(url, data) {
  return fetch(url, { method: "POST", credentials: "same-origin", body: new URLSearchParams(data),
    headers: { "X-CSRFToken": csrfToken() } });
}

export async function showMenu() {
  await refreshCounts();
  const persisted = navigator.storage && navigator.storage.persisted ? await navigator.storage.persisted() : false;
  const version = await workerVersion(navigator.serviceWorker && navigator.serviceWorker.controller);
  const user = state.user;
  view().innerHTML = `<h1>${esc(t("Tài khoản và máy"))}</h1>` +
    (user ? `<p>${esc(t("Đang đăng nhập: {name} ({u})", { name: user.name, u: user.username }))}</p>` : "") +
    `<button type="button" id="lang" class="ghost">${isVi ? "English" : "Tiếng Việt"}</button>` +
    `<button type="button" id="reload" class="ghost">${esc(t("Tải lại toàn bộ danh sách"))}</button>` +
    `<h2>${esc(t("Đăng xuất"))}</h2>` +
    (status.queued ? `<p class="banner warn" id="logout-warning">${esc(t("Còn {n} lượt chưa gửi. Nếu đăng xuất, các lượt này vẫn được giữ trên máy và sẽ được gửi khi bạn đăng nhập lại.", { n: num(status.queued) }))}</p>` : "") +
    `<button type="button" id="logout" class="${status.queued ? "danger" : "ghost"}">${esc(status.queued ? t("Vẫn đăng xuất") : t("Đăng xuất"))}</button>` +
    `<p class="hint">${esc(persisted ? t("Dữ liệu trên máy được giữ cố định.") : t("Trình duyệt có thể xoá dữ liệu khi máy đầy bộ nhớ: hãy cài ứng dụng vào màn hình chính."))}</p>` +
    `<p class="hint">${esc(t("Phiên bản {v} · dữ liệu {d}", { v: version || "?", d: db.VERSION }))}</p>`;
  const root = view();
  root.querySelector("#lang").addEventListener("click", async () => {
    try {
      await post("/i18n/setlang/", { language: isVi ? "en" : "vi", next: "/app/" });
      location.assign("/app/?fresh=1#/menu"); // "fresh": the worker fetches the shell in the new language
    } catch (_) {
      toast(t("Cần có mạng để đổi ngôn ngữ."), "bad");
    }
  });
  root.querySelector("#reload").addEventListener("click", async () => {
    if (!navigator.onLine) {
      toast(t("Cần có mạng để tải lại danh sách."), "bad");
      return;
    }
    await db.clearTurfData();
    await syncNow();
    toast(t("Đã tải lại danh sách."));
  });
  root.querySelector("#logout").addEventListener("click", async () => {
    let response;
    try {
      response = await post("/accounts/logout/", {});
    } catch (_) {
      toast(t("Cần có mạng để đăng xuất."), "bad");
      return;
    }
    if (!response.ok && response.status !== 302) {
      toast(t("Không đăng xuất được, hãy thử lại."), "bad");
      return;
    }
    // The turfs are this person's to see (Decree 13/2023): they go. The outbox stays and
    // is sent when this person signs in again.
    await db.clearTurfData();
    location.assign("/accounts/login/?next=/app/%3Ffresh%3D1");
  });
}
