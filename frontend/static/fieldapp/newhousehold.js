/* A household found at the door that the list does not have. It is kept on the phone
 * ("u:<uuid>") and reaches the server with its first visit (new_household, with the same
 * client UUID every time, so the server creates it once). */

import { t } from "./i18n.js";
import { db, state, householdsOf, rebuildWalks } from "./store.js";
import { composeAddress, nfc, searchKey, uuid, walkKey } from "./text.js";
import { esc, view } from "./ui.js";

const FIELDS = [["house_number", "Số nhà"], ["lane", "Ngõ / ngách / hẻm"], ["street", "Đường / phố"],
  ["building", "Toà nhà"], ["floor", "Tầng"], ["unit", "Căn hộ"], ["head_name", "Chủ hộ"]];

/** The street and lane most households of the turf share: usually the new one's too. */
async function usual(turfId) {
  const best = {};
  for (const name of ["street", "lane", "building"]) {
    const counts = new Map();
    for (const h of await householdsOf(turfId)) if (h[name]) counts.set(h[name], (counts.get(h[name]) || 0) + 1);
    best[name] = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] || "";
  }
  return best;
}

export async function showNewHousehold() {
  const root = view();
  if (!state.turfs.length) {
    location.hash = "#/";
    return;
  }
  const turfId = Number(localStorage.getItem("tn.turf")) || state.turfs[0].id;
  const guess = await usual(turfId);
  root.innerHTML = `<a class="back" href="#/">${esc(t("← Danh sách"))}</a><h1>${esc(t("Thêm hộ mới"))}</h1>` +
    `<form class="editing" novalidate>` +
    (state.turfs.length > 1 ? `<label>${esc(t("Khu vực"))}<select name="turf">${state.turfs.map((tf) =>
      `<option value="${tf.id}"${tf.id === turfId ? " selected" : ""}>${esc(tf.name)}</option>`).join("")}</select></label>` : "") +
    FIELDS.map(([name, text]) => `<label>${esc(t(text))}<input name="${name}" value="${esc(guess[name] || "")}" ` +
      `autocomplete="off"${name === "house_number" || name === "floor" ? ' inputmode="text"' : ""}></label>`).join("") +
    `<p class="err" id="err"></p><button type="submit">${esc(t("Thêm hộ và ghi kết quả"))}</button></form>`;
  const form = root.querySelector("form");
  form.elements.house_number.focus();
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = Object.fromEntries(FIELDS.map(([name]) => [name, nfc(form.elements[name].value)]));
    if (!f.house_number && !f.unit) {
      root.querySelector("#err").textContent = t("Cần có số nhà hoặc số căn hộ.");
      return;
    }
    const turf = form.elements.turf ? Number(form.elements.turf.value) : turfId;
    const id = uuid();
    const address = composeAddress(f);
    const household = {
      id: `u:${id}`, local: true, turf, ...f, address, walk_key: walkKey(f), status: "not_visited", visit_count: 0,
      last_visit_time: null, revisit_after: null, last_outcome: null,
      sum: { key: searchKey(`${address} ${f.head_name}`), names: f.head_name, eligible: 0, activated: 0, open: [],
        support: false, interested: false },
      payload: { client_uuid: id, turf, ...f, address_text: "" },
    };
    await db.run(["households", "walks"], "readwrite", async (tx) => {
      tx.objectStore("households").put(household);
      await rebuildWalks(tx, [turf]);
    }, { durability: "strict" });
    location.hash = `#/h/${encodeURIComponent(household.id)}`;
  });
}
