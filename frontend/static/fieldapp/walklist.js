/* The walk list: the team's households in the order one walks them (walk_key: street,
 * lane, building, house number, floor, unit), each with its state at a glance; filters and
 * a search that ignores diacritics. Opening it reads one store (the turf's households,
 * summaries computed at pull time, kept in memory until they change) plus the outbox,
 * and draws the first screenful: it must open in well under 100 ms on a cheap phone
 * (bench/fieldapp_budget.py measures it). */

import { t, mark, num, time, date } from "./i18n.js";
import { state, walkOf, localVisits } from "./store.js";
import { glance, revisitDue } from "./model.js";
import { searchKey } from "./text.js";
import { esc, view, painted } from "./ui.js";
import { likelyNow } from "./hometime.js";
import { todays, todaysHtml } from "./appointments.js";

const FILTERS = [
  ["all", "Tất cả"],
  ["not_visited", "Chưa đến"],
  ["due", "Hẹn lại đến giờ"],
  ["interested", "Quan tâm, chưa kích hoạt"],
  ["support", "Cần hỗ trợ tại nhà"],
];
const STATUS = { not_visited: "Chưa đến", revisit: "Hẹn lại", visited: "Đã đến", done: mark("Xong") };
// What the person chose stays chosen when they come back from a household.
const ui = { turf: Number(localStorage.getItem("tn.turf")) || null, filter: "all", query: "", scroll: 0,
  now: localStorage.getItem("tn.order") === "now" };
let walk = []; // [{h, g}] of the open turf in walk order

const capital = (s) => (s ? s[0].toUpperCase() + s.slice(1) : "");

function statusText(g) {
  if (g.status !== "revisit" || !g.revisitAfter) return t(STATUS[g.status]);
  const at = new Date(g.revisitAfter);
  const when = at.toDateString() === new Date().toDateString() ? time(at) : `${time(at)} ${date(at).slice(0, 5)}`;
  return t("Hẹn lại {when}", { when });
}

function matches(entry, now, filter = ui.filter) {
  const { h, g } = entry;
  switch (filter) {
    case "not_visited": return g.status === "not_visited";
    case "due": return revisitDue(g, now);
    case "interested": return g.interested;
    case "support": return h.sum.support && g.status !== "done";
    default: return true;
  }
}

/** Worth knocking now: someone is likely home in this window and the work there is not done. */
const goNow = ({ h, g }, now) => g.status !== "done" && likelyNow(h.home, now);

/** "Nên đến bây giờ": those worth knocking now first, then the rest, each part in walk
 * order (a stable partition), so the walk is broken once, not reshuffled. */
function byNow(entries, now) {
  const first = entries.filter((e) => goNow(e, now));
  return first.concat(entries.filter((e) => !goNow(e, now)));
}

/** One household's row. `lazy`: laid out only once scrolled near (content-visibility),
 * for the rows off the first screen; the rows on it are drawn in a single pass. */
function rowHtml({ h, g }, lazy, now) {
  return `<li${lazy ? ' class="cv"' : ""}><a class="hh s-${g.status}" href="#/h/${encodeURIComponent(h.id)}"><span class="addr">${esc(capital(h.address))}</span>` +
    `<span class="st">${esc(statusText(g))}</span>` +
    (now && goNow({ h, g }, now) ? `<span class="now">${esc(t("Giờ này hay có người ở nhà"))}</span>` : "") +
    (h.sum.names ? `<span class="who">${esc(h.sum.names)}</span>` : "") +
    `<span class="meta">${h.sum.eligible ? esc(t("Kích hoạt {a}/{b}", { a: g.activated, b: h.sum.eligible })) : ""}` +
    `${h.sum.support ? ` <b class="sup">${esc(t("Hỗ trợ tại nhà"))}</b>` : ""}` +
    `${g.pending ? ` <b class="pend">${esc(t("Chờ gửi"))}</b>` : ""}</span></a></li>`;
}

// The first screenful is drawn at once; the rest follows in slices after the first paint,
// so a 500-household lane opens as fast as a 20-household one.
const FIRST_ROWS = 12;
const SLICE = 100;
let generation = 0;

function renderRows(keepScroll = 0) {
  const now = new Date();
  // Each word typed must start a word ("an" finds An and Anh, not Lan), as the server's
  // search does (households/search.py); the key is diacritics-free (text.js searchKey).
  const starts = searchKey(ui.query).split(" ").filter(Boolean)
    .map((w) => new RegExp(`(^|[^a-z0-9])${w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  const matching = walk.filter((e) => matches(e, now) && starts.every((re) => re.test(e.h.sum.key)));
  const shown = ui.now ? byNow(matching, now) : matching;
  const marked = ui.now ? now : null; // the "likely home now" line, in that order only
  const list = document.getElementById("walk");
  document.getElementById("shown").textContent = t("{n} hộ", { n: num(shown.length) });
  if (!shown.length) {
    list.innerHTML = `<li class="empty">${esc(ui.query || ui.filter !== "all" ? t("Không có hộ nào khớp.") : t("Chưa có hộ nào trong khu vực này."))}</li>`;
    return;
  }
  // Enough rows at once to fill the screen at the scroll position the person left (a row
  // is at least 64px high), and no more: every row drawn now delays the first paint.
  const first = Math.max(FIRST_ROWS, Math.ceil((keepScroll + innerHeight) / 64) + 2);
  const above = Math.max(0, first - Math.ceil(innerHeight / 64) - 2); // scrolled past
  list.innerHTML = shown.slice(0, first).map((e, i) => rowHtml(e, i < above, marked)).join("");
  const mine = ++generation;
  const more = (from) => {
    if (mine !== generation || from >= shown.length || !list.isConnected) return;
    list.insertAdjacentHTML("beforeend", shown.slice(from, from + SLICE).map((e) => rowHtml(e, true, marked)).join(""));
    setTimeout(() => more(from + SLICE), 0);
  };
  setTimeout(() => requestAnimationFrame(() => setTimeout(() => more(first), 0)), 0);
}

/** How many households each filter would show, for its button. */
function filterCounts() {
  const now = new Date();
  return Object.fromEntries(FILTERS.map(([key]) => [key, walk.filter((e) => matches(e, now, key)).length]));
}

/** Households of the turf in walk order, with their state at a glance. */
export async function loadWalk(turfId) {
  const [households, local] = await Promise.all([walkOf(turfId), localVisits()]);
  return households.map((h) => ({ h, g: glance(h, local.get(h.id), state.codes, state.level) }));
}

/** Today's home appointments in every turf of the team, first on the screen: the
 * evening starts there. The other turfs' walks are in memory once read (store.walkOf). */
async function appointmentsToday(now) {
  const [local, ...walks] = await Promise.all([localVisits(), ...state.turfs.map((tf) => walkOf(tf.id))]);
  const entries = walks.flat().filter((h) => h.appts).map((h) => ({ h }));
  return todaysHtml(todays(entries, local, now));
}

/** The next household after `id` in walk order (for "next house" after saving a visit). */
export async function nextAfter(h) {
  const households = await walkOf(h.turf); // in memory unless the turf changed since
  const at = households.findIndex((x) => x.id === h.id);
  return at >= 0 && at + 1 < households.length ? households[at + 1] : null;
}

export async function showWalkList() {
  performance.mark("walklist-open-start");
  const root = view();
  if (!state.turfs.length) {
    root.innerHTML = `<h1>${esc(t("Danh sách hộ"))}</h1><p class="hint">${esc(state.campaign
      ? t("Tổ của bạn chưa được giao khu vực nào.") : t("Đang tải danh sách hộ…"))}</p>`;
    return;
  }
  if (!state.turfs.some((tf) => tf.id === ui.turf)) ui.turf = state.turfs[0].id;
  walk = await loadWalk(ui.turf);
  const turfPicker = state.turfs.length > 1
    ? `<select id="turf" aria-label="${esc(t("Khu vực"))}">${state.turfs.map((tf) =>
      `<option value="${tf.id}"${tf.id === ui.turf ? " selected" : ""}>${esc(tf.name)}</option>`).join("")}</select>`
    : `<h1>${esc(state.turfs[0].name)}</h1>`;
  const counts = filterCounts();
  const opened = new Date();
  root.innerHTML = (await appointmentsToday(opened)) + turfPicker +
    `<input id="q" type="search" placeholder="${esc(t("Tìm tên hoặc địa chỉ"))}" value="${esc(ui.query)}" autocomplete="off">` +
    `<div class="chips filters" role="group" aria-label="${esc(t("Lọc"))}">${FILTERS.map(([k, label]) =>
      `<button type="button" data-f="${k}" aria-pressed="${k === ui.filter}">${esc(t(label))}<b>${num(counts[k])}</b></button>`).join("")}</div>` +
    `<p class="row"><button type="button" id="order" class="ghost" aria-pressed="${ui.now}">${esc(t("Nên đến bây giờ"))}` +
    `<b>${num(walk.filter((e) => goNow(e, opened)).length)}</b></button></p>` +
    `<p class="row"><span id="shown"></span><a class="button ghost" href="#/new">${esc(t("+ Thêm hộ mới"))}</a></p>` +
    `<ul id="walk" class="walk"></ul>`;
  renderRows(ui.scroll);
  root.querySelector("#q").addEventListener("input", (e) => {
    ui.query = e.target.value;
    renderRows();
  });
  root.querySelector(".chips").addEventListener("click", (e) => {
    const f = e.target.closest("button")?.dataset.f;
    if (!f) return;
    ui.filter = f;
    root.querySelectorAll(".chips button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.f === f)));
    renderRows();
  });
  root.querySelector("#order").addEventListener("click", (e) => {
    ui.now = !ui.now;
    localStorage.setItem("tn.order", ui.now ? "now" : "walk");
    e.currentTarget.setAttribute("aria-pressed", String(ui.now));
    renderRows();
  });
  root.querySelector("#turf")?.addEventListener("change", (e) => {
    ui.turf = Number(e.target.value);
    localStorage.setItem("tn.turf", String(ui.turf));
    ui.scroll = 0;
    showWalkList();
  });
  root.querySelector("#walk").addEventListener("click", () => { ui.scroll = scrollY; });
  scrollTo(0, ui.scroll);
  await painted();
  performance.mark("walklist-open-end");
  performance.measure("walklist-open", "walklist-open-start", "walklist-open-end");
}
