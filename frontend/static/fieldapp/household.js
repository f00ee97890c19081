/* One household: its residents (age, eligibility today, VNeID status, home-support needs)
 * and the visit form. Recording takes as few taps as possible: the household outcome,
 * then per eligible resident an outcome (the common ones one tap each) and, where it
 * applies, a reason; a revisit time or a note if needed; Save. The visit is in the
 * outbox before anything else happens ("Đã lưu trên máy"); the sync sends it later. */

import { t, mark, num, label, dateTime, isoDate } from "./i18n.js";
import { state, outbox, queueVisit, household as getHousehold, residentsOf, visitsOf, codesOf, resolveHousehold } from "./store.js";
import { ageOf, isEligible, living, isActivated, SUPPORT, glance } from "./model.js";
import { uuid, isoLocal, phoneNational, telHref } from "./text.js";
import { esc, view, toast, painted } from "./ui.js";
import { syncNow, requestBackgroundSync, refreshCounts } from "./sync.js";
import { nextAfter } from "./walklist.js";
import { residentForm } from "./residentform.js";
import { positionPrompt, bindPositionPrompt, positionFields, stopPosition } from "./geo.js";
import { sentence, suggestion } from "./hometime.js";

// Shown as one-tap buttons when the campaign has them; every other code is in "Khác…".
const QUICK = ["assisted_l2_activated", "assisted_l1_activated", "already_activated_l2", "interested", "not_interested", "absent"];
const VNEID = ["Chưa có", "Đã thu nhận hồ sơ", "Đã kích hoạt"];
const REVISIT = [["evening", mark("Sau 19:00")], ["tomorrow", "Ngày mai"], ["weekend", "Cuối tuần"]];

let draft = null; // the visit being recorded on the open household

/** True while a form holds taps not yet saved: a sync or an app update must not redraw it. */
export const isDirty = () => !!(draft && draft.touched);

const capital = (s) => (s ? s[0].toUpperCase() + s.slice(1) : "");
const residentKey = (part) => part.resident ?? `u:${part.new_resident.client_uuid}`;

/** A reason ("no smartphone", "no OTP", ...) explains a resident who did not activate. */
const takesReason = (code) => !!code && !code.vneid_status && ["interested", "little", "not"].includes(code.interest);

function revisitTime(kind, now = new Date()) {
  const at = new Date(now);
  at.setSeconds(0, 0);
  if (kind === "evening") {
    if (now.getHours() >= 19) at.setDate(at.getDate() + 1);
    at.setHours(19, 0);
  } else if (kind === "tomorrow") {
    at.setDate(at.getDate() + 1);
    at.setHours(17, 0);
  } else {
    const day = now.getDay(); // 0 Sunday .. 6 Saturday
    at.setDate(at.getDate() + (day === 6 ? 1 : day === 0 ? 6 : 6 - day));
    at.setHours(8, 0);
  }
  return at;
}

function residentHtml(r, today) {
  const eligible = isEligible(r, today);
  const age = ageOf(r, today);
  // With the birth year only (a volunteer's phone), the age could be a year off: say the year.
  const facts = [
    r.birth_date && age != null ? t("{n} tuổi", { n: age }) : null,
    r.birth_date ? isoDate(r.birth_date) : r.birth_year ? t("Sinh năm {y}", { y: r.birth_year }) : null,
    r.sex === "M" ? t("Nam") : r.sex === "F" ? t("Nữ") : null,
  ].filter((x) => x != null && x !== "");
  // HTML pieces: the phone is a tel: link in the national format, as in the reports.
  const ids = [r.id_number ? esc(`${t("Số định danh")}: ${r.id_number}`) : null,
    r.phone ? `${esc(t("ĐT"))}: <a class="tel" href="${esc(telHref(r.phone))}">${esc(phoneNational(r.phone))}</a>` : null].filter(Boolean);
  const support = Object.entries(SUPPORT).filter(([bit]) => r.support & bit).map(([, s]) => t(s));
  const last = state.codes.get(r.last_outcome);
  const badges = [
    ...support.map((s) => `<b class="sup">${esc(s)}</b>`),
    r.interest === "interested" && !isActivated(r, state.level) ? `<b class="int">${esc(t("Quan tâm"))}</b>` : "",
    r.local ? `<b class="pend">${esc(t("Mới thêm"))}</b>` : "",
  ].join(" ");
  const quick = codesOf("resident").filter((c) => QUICK.includes(c.code)).sort((a, b) => QUICK.indexOf(a.code) - QUICK.indexOf(b.code));
  const other = codesOf("resident").filter((c) => !QUICK.includes(c.code));
  const controls = eligible
    ? `<div class="ro"><div class="chips">${quick.map((c) =>
        `<button type="button" data-ro="${esc(c.code)}" aria-pressed="false">${esc(label(c))}</button>`).join("")}</div>` +
      `<select data-other aria-label="${esc(t("Kết quả khác"))}"><option value="">${esc(t("Kết quả khác…"))}</option>${other.map((c) =>
        `<option value="${esc(c.code)}">${esc(label(c))}</option>`).join("")}</select>` +
      `<select data-reason hidden aria-label="${esc(t("Lý do vướng mắc"))}"><option value="">${esc(t("Lý do vướng mắc (nếu có)…"))}</option>${
        codesOf("reason").map((c) => `<option value="${esc(c.code)}">${esc(label(c))}</option>`).join("")}</select></div>`
    : `<p class="hint">${esc(t("Chưa đủ 14 tuổi"))}</p>`;
  return `<article class="res${eligible ? "" : " young"}" data-r="${esc(r.id)}"><h3>${esc(r.full_name)}</h3>` +
    `<p>${esc(facts.join(" · "))}${eligible ? ` · <b>${esc(t("Đủ 14 tuổi"))}</b>` : ""}</p>` +
    (ids.length ? `<p class="ids">${ids.join(" · ")}</p>` : "") +
    `<p class="vneid">${esc(t("VNeID mức 1: {a} · mức 2: {b}", { a: t(VNEID[r.vneid1 || 0]), b: t(VNEID[r.vneid2 || 0]) }))}</p>` +
    (badges.trim() ? `<p class="badges">${badges}</p>` : "") +
    (last ? `<p class="hint">${esc(t("Lần trước: {x}", { x: label(last) }))}${r.last_reason && state.codes.get(r.last_reason)
      ? ` — ${esc(label(state.codes.get(r.last_reason)))}` : ""}</p>` : "") +
    controls + `</article>`;
}

function historyHtml(visits, local) {
  const rows = [
    ...local.map((item) => ({ at: item.body.device_time, outcome: item.body.outcome, by: t("Bạn"), note: item.body.note,
      revisit: item.body.revisit_note, mark: item.sentAt ? t("Đã gửi") : t("Chờ gửi") })),
    ...visits.map((v) => ({ at: v.device_time, outcome: v.outcome, by: v.recorded_by, note: v.note, revisit: v.revisit_note })),
  ].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  if (!rows.length) return "";
  return `<section class="history"><h2>${esc(t("Các lần đến trước"))}</h2><ul class="cards">${rows.map((r) =>
    `<li><b>${esc(dateTime(new Date(r.at)))}</b> · ${esc(label(state.codes.get(r.outcome)) || r.outcome)}` +
    `${r.mark ? ` <b class="pend">${esc(r.mark)}</b>` : ""}<br><span class="hint">${esc(r.by)}` +
    `${r.revisit ? ` · ${esc(t("Hẹn: {x}", { x: r.revisit }))}` : ""}</span>${r.note ? `<br>${esc(r.note)}` : ""}</li>`).join("")}</ul></section>`;
}

const STATUS = { done: mark("Xong"), revisit: "Hẹn lại", visited: "Đã đến", not_visited: "Chưa đến" };

/** The line under the address: turf, state at a glance, visits so far. */
function subText(h, g) {
  const turf = state.turfs.find((tf) => tf.id === h.turf);
  return [turf && turf.name, t(STATUS[g.status] || STATUS.not_visited),
    h.visit_count ? t("Đã đến {n} lần", { n: num(h.visit_count) }) : null].filter(Boolean).join(" · ");
}

export async function showHousehold(id, { fix = null } = {}) {
  id = resolveHousehold(id);
  const h = await getHousehold(id);
  const root = view();
  if (!h) {
    root.innerHTML = `<a class="back" href="#/">${esc(t("← Danh sách"))}</a><p class="hint missing">${esc(t("Hộ này không còn trong danh sách của tổ."))}</p>`;
    return;
  }
  const [residents, visits, local] = await Promise.all([residentsOf(h.id), visitsOf(h.id), localItemsOf(h.id)]);
  const today = new Date();
  const here = residents.filter(living).sort((a, b) => isEligible(b, today) - isEligible(a, today));
  const g = glance(h, local[local.length - 1], state.codes, state.level);
  // A sync's redraw that started before the person's first tap on this form ends after it:
  // the form they are filling in stays as it is.
  if (!fix && draft && draft.touched && draft.id === h.id && root.querySelector("#visit")) return;
  draft = { id: h.id, outcome: null, parts: new Map(), newResidents: [], revisit: null, note: "", replaces: null, touched: false,
    known: new Map(residents.map((r) => [String(r.id), r])), learned: suggestion(h.home) };
  const usually = sentence(h.home); // when someone is usually home, learned from past visits

  root.innerHTML = `<a class="back" href="#/">${esc(t("← Danh sách"))}</a>` +
    `<h1>${esc(capital(h.address))}</h1>` +
    `<p class="sub">${esc(subText(h, g))}</p>` +
    (usually ? `<p class="hometime">${esc(usually)}</p>` : "") +
    (fix ? `<p class="banner bad">${esc(t("Sửa lượt bị từ chối rồi lưu lại: lượt mới sẽ được gửi thay cho lượt cũ."))}</p>` : "") +
    `<form id="visit" class="visit" novalidate>` +
    `<fieldset><legend>${esc(t("Kết quả tại hộ"))}</legend><div class="chips big">${codesOf("household").map((c) =>
      `<button type="button" data-ho="${esc(c.code)}" aria-pressed="false">${esc(label(c))}</button>`).join("")}</div></fieldset>` +
    `<section id="residents" class="residents">${here.map((r) => residentHtml(r, today)).join("") ||
      `<p class="hint">${esc(t("Chưa có nhân khẩu nào."))}</p>`}</section>` +
    `<button type="button" id="addres" class="ghost">${esc(t("+ Thêm người ở hộ này"))}</button><div id="resform"></div>` +
    `<fieldset><legend>${esc(t("Hẹn quay lại"))}</legend><div class="chips">${draft.learned ? `<button type="button" ` +
      `data-rv="learned" class="learned" aria-pressed="false">${esc(draft.learned.chip)}</button>` : ""}${REVISIT.map(([k, s]) =>
      `<button type="button" data-rv="${k}" aria-pressed="false">${esc(t(s))}</button>`).join("")}</div></fieldset>` +
    `<label>${esc(t("Ghi chú"))}<textarea id="note" rows="2" maxlength="2000"></textarea></label>` +
    positionPrompt() +
    `<button type="submit" class="save" disabled>${esc(t("Lưu lượt đến nhà"))}</button></form>` +
    historyHtml(visits, local);
  wireForm(root, h);
  bindPositionPrompt(root);
  if (fix) prefill(root, fix);
  scrollTo(0, 0);
}

/** This household's visits still on the phone (queued, or sent and not pulled back). */
async function localItemsOf(id) {
  const [queued, sent] = await Promise.all([outbox.queued(), outbox.sent()]);
  return sent.filter((s) => !s.pulled).concat(queued).filter((item) => resolveHousehold(item.household) === id)
    .sort((a, b) => a.createdAt - b.createdAt);
}

function press(group, selected) {
  group.forEach((b) => b.setAttribute("aria-pressed", String(b === selected)));
}

function setResidentOutcome(article, code) {
  const key = article.dataset.r;
  const part = draft.parts.get(key) || {};
  part.outcome = code || null;
  if (!takesReason(state.codes.get(code))) part.reason = null;
  draft.parts.set(key, part);
  press([...article.querySelectorAll("[data-ro]")], article.querySelector(`[data-ro="${CSS.escape(code || "")}"]`));
  const other = article.querySelector("[data-other]");
  other.value = QUICK.includes(code) ? "" : code || "";
  const reason = article.querySelector("[data-reason]");
  reason.hidden = !takesReason(state.codes.get(code));
  if (reason.hidden) reason.value = "";
  warnIfAlreadyActivated(article, draft.known.get(key), code);
}

/** Activated at this VNeID level already, by the resident's record (a level-2 account
 * counts for level 1 too). */
const activatedAt = (r, level) => !!r && (r.vneid2 === 2 || (level === 1 && r.vneid1 === 2));

/** "Assisted, activated" for someone already activated at that level: allowed (the record
 * may be out of date), but said, since such a visit activates no one new in the reports. */
function warnIfAlreadyActivated(article, r, value) {
  article.querySelector(".already")?.remove();
  const code = state.codes.get(value);
  if (!code || code.vneid_status !== "activated" || value.startsWith("already_") || !activatedAt(r, code.vneid_level)) return;
  const instead = state.codes.get(`already_activated_l${code.vneid_level}`);
  const p = document.createElement("p");
  p.className = "already banner";
  p.setAttribute("role", "status");
  p.textContent = t("Người này đã kích hoạt VNeID mức {n} rồi: lượt này không tính là kích hoạt mới.", { n: code.vneid_level }) +
    (instead ? ` ${t("Nếu chỉ hỏi lại, hãy chọn “{x}”.", { x: label(instead) })}` : "");
  article.querySelector(".ro").append(p); // hidden with the outcomes when nobody was met
}

/** "Nobody home": the learned time (hometime.js) is the default revisit, where there is one;
 * not in a rejected visit being fixed, which keeps what it had. */
function defaultRevisit(form, code) {
  if (!code || !code.needs_revisit || draft.revisit || !draft.learned || draft.replaces) return;
  draft.revisit = draft.learned;
  press([...form.querySelectorAll("[data-rv]")], form.querySelector('[data-rv="learned"]'));
}

function wireForm(root, h) {
  const form = root.querySelector("#visit");
  const save = form.querySelector(".save");
  const touch = () => { draft.touched = true; };
  form.addEventListener("click", (e) => {
    const b = e.target.closest("button[type=button]");
    if (!b) return;
    if (b.dataset.ho) {
      touch();
      draft.outcome = b.dataset.ho;
      press([...form.querySelectorAll("[data-ho]")], b);
      const code = state.codes.get(draft.outcome);
      form.classList.toggle("reached", !!(code && code.household_reached));
      save.disabled = false;
      defaultRevisit(form, code);
    } else if (b.dataset.ro) {
      touch();
      const article = b.closest("[data-r]");
      const current = draft.parts.get(article.dataset.r);
      setResidentOutcome(article, current && current.outcome === b.dataset.ro ? null : b.dataset.ro); // a second tap clears
    } else if (b.dataset.rv) {
      touch();
      draft.revisit = draft.revisit && draft.revisit.kind === b.dataset.rv ? null
        : b.dataset.rv === "learned" ? draft.learned : { kind: b.dataset.rv, label: b.textContent };
      press([...form.querySelectorAll("[data-rv]")], draft.revisit ? b : null);
    } else if (b.id === "addres") {
      residentForm(root.querySelector("#resform"), h, (r) => {
        touch();
        draft.newResidents.push(r);
        root.querySelector("#residents").insertAdjacentHTML("beforeend", residentHtml(r, new Date()));
        toast(t("Đã thêm {name}: ghi kết quả cho người này rồi lưu lượt.", { name: r.full_name }));
      });
    }
  });
  form.addEventListener("change", (e) => {
    const article = e.target.closest("[data-r]");
    if (!article) return;
    touch();
    if (e.target.matches("[data-other]")) setResidentOutcome(article, e.target.value);
    if (e.target.matches("[data-reason]")) {
      const part = draft.parts.get(article.dataset.r) || {};
      part.reason = e.target.value || null;
      draft.parts.set(article.dataset.r, part);
    }
  });
  form.querySelector("#note").addEventListener("input", (e) => {
    touch();
    draft.note = e.target.value;
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!draft.outcome || save.disabled) return;
    save.disabled = true;
    saveVisit(h).catch((error) => {
      save.disabled = false;
      toast(t("Không lưu được trên máy: {error}", { error: error.message || error }), "bad");
    });
  });
}

/** The visit as the protocol wants it. Built once: a retry must send the same content. */
function buildItem(h) {
  const code = state.codes.get(draft.outcome);
  const reached = !!(code && code.household_reached);
  const known = draft.known;
  for (const r of draft.newResidents) known.set(r.id, r);
  const parts = [];
  if (reached) {
    for (const [key, part] of draft.parts) {
      if (!part.outcome) continue;
      const r = known.get(key);
      if (!r) continue;
      const ref = r.local ? { new_resident: r.payload } : { resident: r.id };
      parts.push({ ...ref, outcome: part.outcome, ...(part.reason ? { reason: part.reason } : {}) });
    }
  }
  const id = uuid();
  const revisitAt = draft.revisit && (draft.revisit.at || revisitTime(draft.revisit.kind));
  const body = {
    client_uuid: id,
    campaign: state.campaign.id,
    ...(h.local ? { new_household: h.payload } : { household: h.id }),
    device_time: isoLocal(new Date()),
    outcome: draft.outcome,
    residents: parts,
    note: draft.note.trim(),
    revisit_after: revisitAt ? (typeof revisitAt === "string" ? revisitAt : isoLocal(revisitAt)) : null,
    revisit_note: draft.revisit ? draft.revisit.label : "",
    ...positionFields(), // where allowed and a fix is at hand; never waited for
  };
  const used = new Set(parts.filter((p) => p.new_resident).map((p) => `u:${p.new_resident.client_uuid}`));
  return {
    uuid: id,
    username: state.user ? state.user.username : "",
    createdAt: Date.now(),
    household: h.id,
    label: capital(h.address),
    body,
    created: { household: h.local ? h.id : null, residents: [...used] },
    attempts: 0,
    // Who was activated already when saved: today's progress must not count them as newly
    // activated (progress.js). Kept beside the body, which the server never sees change.
    activatedBefore: parts.filter((p) => p.resident != null && activatedAt(known.get(String(p.resident)), state.level))
      .map((p) => p.resident),
  };
}

async function saveVisit(h) {
  performance.mark("outbox-save-start");
  const item = buildItem(h);
  await queueVisit({ item, residents: draft.newResidents, replaces: draft.replaces });
  draft = null;
  stopPosition();
  const next = await nextAfter(h);
  const form = view().querySelector("#visit");
  const done = document.createElement("div");
  done.className = "saved";
  done.setAttribute("role", "status");
  done.innerHTML = `<p class="big">✓ ${esc(t("Đã lưu trên máy"))}</p><p>${esc(t("Lượt này sẽ tự gửi khi có mạng."))}</p>` +
    (next ? `<a class="button" id="next" href="#/h/${encodeURIComponent(next.id)}">${esc(t("Nhà tiếp theo: {x}", { x: capital(next.address) }))}</a>` : "") +
    `<a class="button ghost" href="#/">${esc(t("Về danh sách"))}</a>`;
  form.replaceWith(done);
  // The state at a glance now includes this visit: saved offline, no sync will redraw it.
  const sub = view().querySelector(".sub");
  if (sub) sub.textContent = subText(h, glance(h, item, state.codes, state.level));
  scrollTo(0, 0);
  await painted();
  performance.mark("outbox-save-end");
  performance.measure("outbox-save", "outbox-save-start", "outbox-save-end");
  refreshCounts();
  requestBackgroundSync();
  syncNow();
}

/** Prefill the form from a rejected visit; saving sends it again as a new visit (a new
 * client UUID: the old one is known to the server as rejected content). */
function prefill(root, item) {
  const body = item.body;
  draft.replaces = item.uuid;
  draft.touched = true;
  root.querySelector(`[data-ho="${CSS.escape(body.outcome)}"]`)?.click();
  for (const part of body.residents) {
    const key = String(residentKey(part));
    let article = root.querySelector(`[data-r="${CSS.escape(key)}"]`);
    if (!article && part.new_resident) {
      const p = part.new_resident;
      const r = { ...p, id: key, household: draft.id, local: true, payload: p, support: 0, vneid1: 0, vneid2: 0,
        residence_status: "permanent" };
      draft.newResidents.push(r);
      root.querySelector("#residents").insertAdjacentHTML("beforeend", residentHtml(r, new Date()));
      article = root.querySelector(`[data-r="${CSS.escape(key)}"]`);
    }
    if (!article || !article.querySelector("[data-other]")) continue;
    setResidentOutcome(article, part.outcome);
    if (part.reason) {
      article.querySelector("[data-reason]").value = part.reason;
      draft.parts.get(key).reason = part.reason;
    }
  }
  root.querySelector("#note").value = draft.note = body.note || "";
  if (body.revisit_after) draft.revisit = { kind: "custom", at: body.revisit_after, label: body.revisit_note || "" };
}

export async function showFix(uuidText) {
  const item = (await outbox.rejected()).find((i) => i.uuid === uuidText);
  if (!item) {
    location.hash = "#/outbox";
    return;
  }
  const id = resolveHousehold(item.household);
  if (await getHousehold(id)) {
    await showHousehold(id, { fix: item });
    return;
  }
  view().innerHTML = `<a class="back" href="#/outbox">${esc(t("← Chờ gửi"))}</a><h1>${esc(item.label)}</h1>` +
    `<p class="hint">${esc(t("Hộ này không còn trong danh sách của tổ, nên không gửi lại được. Bạn có thể bỏ lượt này."))}</p>`;
}
