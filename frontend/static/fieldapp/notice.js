/* "Tell the team what changed": what a sync's pull changed in the team's work, said in
 * one line the person can dismiss. A new turf, households taken away, codes added or
 * retired, revisits whose agreed time has come: each would otherwise change the screen
 * under the person's thumb without a word.
 *
 * It compares what is stored before a sync with what is stored after, so it needs nothing
 * from the pull itself (pull.js may run in a worker). */

import { t, num } from "./i18n.js";
import { db, state } from "./store.js";
import { esc } from "./ui.js";

// A walk row (store.js rebuildWalks): [id, address, status, last_visit_time, revisit_after, ...].
const ID = 0;
const STATUS = 2;
const REVISIT_AFTER = 4;

let before = null; // the snapshot taken when the running sync started
let moveTo = null; // a turf the walk list is to move to when it is next on screen

/** The turf the walk list shows now (or would show when opened). */
function shownTurf() {
  const select = document.getElementById("turf");
  if (select) return Number(select.value);
  if (state.turfs.length === 1) return state.turfs[0].id;
  return Number(localStorage.getItem("tn.turf")) || (state.turfs[0] && state.turfs[0].id) || null;
}

/** What the stored data says: turfs with their households, the codes, the revisits due. */
async function read() {
  const [turfs, walks, meta] = await db.run(["turfs", "walks", "meta"], "readonly", (tx) => Promise.all([
    db.req(tx.objectStore("turfs").getAll()), db.req(tx.objectStore("walks").getAll()),
    db.req(tx.objectStore("meta").get("codes")),
  ]));
  const now = Date.now();
  const rows = new Map(walks.map((w) => [w.turf, w.rows]));
  const due = new Set();
  const households = new Map();
  for (const turf of turfs) {
    const ids = [];
    for (const row of rows.get(turf.id) || []) {
      // Households added at the door ("u:<uuid>") turn into server ids: not a departure.
      if (typeof row[ID] === "number") ids.push(row[ID]);
      // Only an agreed time that has come: a revisit without one is not news.
      if (row[STATUS] === "revisit" && row[REVISIT_AFTER] && Date.parse(row[REVISIT_AFTER]) <= now) due.add(row[ID]);
    }
    households.set(turf.id, { name: turf.name, ids });
  }
  return { households, due, codes: new Set((meta || []).map((c) => c.code)) };
}

/** Call when a sync starts. Nothing is read before the first download (nothing to compare
 * with, and the first open must stay fast). */
export function snapshot() {
  if (!state.campaign) {
    before = null;
    return;
  }
  const who = state.user && state.user.username;
  const campaign = state.campaign.id;
  const shown = shownTurf();
  before = read().then((data) => ({ ...data, who, campaign, shown }), () => null);
}

/** Call when a sync ended. Resolves with {text, codes, moveTo} when the stored work
 * changed in a way worth saying, else null. */
export async function compare() {
  const base = before && (await before);
  before = null;
  // Another person signed in, or another campaign: a new list, not a change to tell.
  if (!base || !state.campaign || state.campaign.id !== base.campaign) return null;
  if (!state.user || state.user.username !== base.who) return null;
  const now = await read();
  const parts = [];
  const gained = [...now.households.keys()].filter((id) => !base.households.has(id));
  for (const id of gained) {
    const turf = now.households.get(id);
    parts.push(t("Tổ được giao thêm khu vực {name} ({n} hộ)", { name: turf.name, n: num(turf.ids.length) }));
  }
  const kept = new Set([...now.households.values()].flatMap((turf) => turf.ids));
  const gone = [...base.households.values()].flatMap((turf) => turf.ids).filter((id) => !kept.has(id)).length;
  if (gone) parts.push(t("{n} hộ đã chuyển sang tổ khác", { n: num(gone) }));
  const added = [...now.codes].some((c) => !base.codes.has(c));
  const retired = [...base.codes].some((c) => !now.codes.has(c));
  if (added) parts.push(t("Có mã kết quả mới"));
  else if (retired) parts.push(t("Một số mã kết quả đã ngừng dùng"));
  const due = [...now.due].filter((id) => !base.due.has(id)).length;
  if (due) parts.push(t("{n} hộ đến hẹn quay lại", { n: num(due) }));
  if (!parts.length) return null;
  // The turf on screen is gone: the list follows the team to its new one.
  if (base.shown != null && !now.households.has(base.shown) && gained.length) moveTo = gained[0];
  return { text: parts.join(" · "), codes: added || retired, moveTo };
}

/** The notice line, under the header; a newer one replaces it. */
export function show(text) {
  let box = document.getElementById("notice");
  if (!box) {
    box = document.createElement("div");
    box.id = "notice";
    box.className = "notice";
    box.setAttribute("role", "status");
    document.getElementById("view").before(box);
  }
  box.innerHTML = `<p>${esc(text)}</p><button type="button" class="close" aria-label="${esc(t("Đóng thông báo"))}">×</button>`;
  box.querySelector("button").addEventListener("click", () => box.remove());
}

/** After the walk list is drawn: move it to the turf the team was given instead of the
 * one it lost (the list's own turf picker does it, so the choice is remembered). */
export function followTurf() {
  if (moveTo == null || !/^#?\/?$/.test(location.hash)) return;
  if (!state.turfs.some((turf) => turf.id === moveTo)) {
    moveTo = null;
    return;
  }
  const select = document.getElementById("turf");
  const target = moveTo;
  moveTo = null;
  localStorage.setItem("tn.turf", String(target));
  if (select && Number(select.value) !== target) {
    select.value = String(target);
    select.dispatchEvent(new Event("change"));
  }
}
