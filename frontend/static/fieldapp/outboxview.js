/* What is on the phone: visits waiting to be sent, those the server rejected (with its
 * reason, to correct and send again as a new visit), and those it has received. */

import { t, num, label, dateTime, message } from "./i18n.js";
import { state, outbox } from "./store.js";
import { status, onStatus, syncNow, refreshCounts } from "./sync.js";
import { esc, view, toast } from "./ui.js";

const ERRORS = { offline: "Chưa có mạng", server_error: "Máy chủ lỗi", signed_out: "Cần đăng nhập lại" };
const STATE = {
  syncing: "Đang gửi…",
  offline: "Chưa có mạng. Máy sẽ tự gửi khi có mạng trở lại.",
  signed_out: "Phiên đăng nhập đã hết: đăng nhập lại để gửi. Các lượt vẫn được giữ trên máy.",
  error: "Máy chủ đang lỗi. Máy sẽ tự thử lại.",
  idle: "",
};

function summary(item) {
  const b = item.body;
  const parts = b.residents.map((p) => label(state.codes.get(p.outcome)) || p.outcome);
  return [label(state.codes.get(b.outcome)) || b.outcome, ...parts].join(" · ");
}

const itemHtml = (item, extra = "") =>
  `<li data-uuid="${esc(item.uuid)}"><b>${esc(item.label)}</b><br>${esc(summary(item))}` +
  `<br><span class="hint">${esc(t("Ghi lúc {x}", { x: dateTime(new Date(item.createdAt)) }))}</span>${extra}</li>`;

let drawing = 0; // the newest drawing of this screen; an older one still reading gives way

export async function showOutbox() {
  const mine = ++drawing;
  const me = state.user && state.user.username;
  const [queuedAll, rejectedAll, sentAll] = await Promise.all([outbox.queued(), outbox.rejected(), outbox.sent()]);
  if (mine !== drawing || location.hash !== "#/outbox") return;
  const queued = queuedAll.filter((i) => i.username === me);
  const others = queuedAll.length - queued.length;
  const rejected = rejectedAll.filter((i) => i.username === me);
  const sent = sentAll.filter((i) => i.username === me).slice(0, 50);
  const root = view();
  const note = STATE[status.state] ? `<p class="banner${status.state === "idle" ? "" : " warn"}" id="state">${esc(t(STATE[status.state]))}</p>` : "";
  root.innerHTML = `<h1>${esc(t("Lượt đến nhà trên máy"))}</h1>${note}` +
    `<button type="button" id="now">${esc(t("Gửi ngay"))}</button>` +
    (status.lastSyncAt ? `<p class="hint">${esc(t("Đồng bộ lần cuối lúc {x}", { x: dateTime(new Date(status.lastSyncAt)) }))}</p>` : "") +
    (rejected.length ? `<h2 class="bad">${esc(t("Bị từ chối ({n})", { n: num(rejected.length) }))}</h2><ul class="cards" id="rejected">${
      rejected.map((item) => itemHtml(item, `<p class="err">${esc(message(item.error))}${/[a-z]/i.test(item.error.detail || "")
        ? ` <span class="hint">(${esc(item.error.detail)})</span>` : ""}</p><div class="row">` +
        `<a class="button" href="#/fix/${encodeURIComponent(item.uuid)}">${esc(t("Sửa và gửi lại"))}</a>` +
        `<button type="button" class="ghost" data-discard="${esc(item.uuid)}">${esc(t("Bỏ lượt này"))}</button></div>`)).join("")}</ul>` : "") +
    `<h2>${esc(t("Chờ gửi ({n})", { n: num(queued.length) }))}</h2>` +
    (queued.length ? `<ul class="cards" id="queued">${queued.map((item) => itemHtml(item, item.attempts
      ? `<br><span class="hint">${esc(t("Đã thử {n} lần: {x}", { n: num(item.attempts), x: t(ERRORS[item.lastError] || "Lỗi") }))}</span>` : "")).join("")}</ul>`
      : `<p class="hint" id="queued-empty">${esc(t("Không còn lượt nào chờ gửi."))}</p>`) +
    (others ? `<p class="banner warn">${esc(t("{n} lượt của tài khoản khác đang chờ người đó đăng nhập lại trên máy này.", { n: num(others) }))}</p>` : "") +
    `<h2>${esc(t("Đã gửi ({n})", { n: num(sent.length) }))}</h2>` +
    (sent.length ? `<ul class="cards" id="sent">${sent.map((item) => itemHtml(item, `<br><span class="ok">✓ ${esc(
      t("Máy chủ đã nhận lúc {x}", { x: dateTime(new Date(item.sentAt)) }))}</span>`)).join("")}</ul>` : "");
  root.querySelector("#now").addEventListener("click", (e) => {
    e.target.disabled = true;
    syncNow(); // the screen redraws itself as the send starts and ends (below)
  });
  root.addEventListener("click", async (e) => {
    const uuid = e.target.closest("[data-discard]")?.dataset.discard;
    if (!uuid) return;
    if (!confirm(t("Bỏ hẳn lượt này? Lượt đã bỏ không gửi lại được."))) return;
    await outbox.discard(uuid);
    await refreshCounts();
    toast(t("Đã bỏ lượt này."));
    showOutbox();
  });
}

// The screen follows every send while it is open, whoever started it (the button, the
// online event, a saved visit, the retry timer): drawn once, it kept saying "Đang gửi…"
// and listing the visits as waiting after they had been received.
// Every send sets the state as it starts and as it ends, after the outbox is updated.
onStatus((what) => {
  if (what === "state" && location.hash === "#/outbox") showOutbox();
});
