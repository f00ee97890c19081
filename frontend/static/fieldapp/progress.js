/* The team's progress: today (households visited, residents activated, per member) from
 * the visits the pull brought plus those still on this phone; and each turf overall. */

import { t, tn, num, date } from "./i18n.js";
import { db, req, state, outbox } from "./store.js";
import { activates } from "./model.js";
import { esc, view } from "./ui.js";

const sameDay = (iso, day) => new Date(iso).toDateString() === day;

/** The people today's visits moved to activated at the campaign's level, each once: as
 * the police report counts them (the day's change in residents whose record says
 * activated, outreach/reports/chat_report.py; a visit's outcome raises the record,
 * outreach/visits/projection.py). Not a repeat assist, and not someone activated before:
 * by the record when our visit was saved, or by a visit of an earlier day. "Already
 * activated" for someone whose record said not yet does raise the record: it counts. */
function newlyActivated(todays, visits, today) {
  const code = (c) => state.codes.get(c);
  const raises = (o) => activates(code(o), state.level);
  const start = new Date(today.getFullYear(), today.getMonth(), today.getDate()).getTime();
  const before = new Set();
  for (const v of visits) {
    if (Date.parse(v.device_time) >= start) continue;
    for (const [r, o] of v.residents) if (raises(o)) before.add(r);
  }
  const people = new Set();
  for (const v of todays) {
    const was = new Set(v.before || []);
    for (const [r, o] of v.parts) if (raises(o) && !was.has(r) && !before.has(r)) people.add(r);
  }
  return people;
}

export async function showProgress() {
  const today = new Date();
  const day = today.toDateString();
  const teams = new Set(state.turfs.map((tf) => tf.team));
  const [visits, households, queued, sent] = await db.run(["visits", "households", "outbox", "sent"], "readonly", (tx) =>
    Promise.all(["visits", "households", "outbox", "sent"].map((s) => req(tx.objectStore(s).getAll()))));
  const pulled = new Set(visits.map((v) => v.client_uuid));
  const me = state.user ? state.user.name || state.user.username : "";
  const mine = new Map(queued.concat(sent).map((i) => [i.uuid, i]));
  // One list of today's visits by the team: the server's, then ours not yet pulled back;
  // each resident's part as [resident, outcome].
  const todays = visits.filter((v) => teams.has(v.team) && sameDay(v.device_time, day))
    .map((v) => ({ household: v.household, outcome: v.outcome, by: v.recorded_by, parts: v.residents.map(([r, o]) => [r, o]),
      before: mine.get(v.client_uuid)?.activatedBefore }))
    .concat(queued.concat(sent).filter((i) => !pulled.has(i.uuid) && sameDay(i.body.device_time, day)).map((i) => ({
      household: i.household, outcome: i.body.outcome, by: me, before: i.activatedBefore,
      parts: i.body.residents.map((p) => [p.resident ?? `u:${p.new_resident.client_uuid}`, p.outcome]) })));
  const code = (c) => state.codes.get(c) || {};
  const reached = new Set(todays.filter((v) => code(v.outcome).household_reached).map((v) => v.household));
  const activated = newlyActivated(todays, visits, today).size;
  const registered = todays.reduce((n, v) => n + v.parts.filter(([, o]) => code(o).vneid_status === "registered").length, 0);
  const byMember = new Map();
  for (const v of todays) byMember.set(v.by, (byMember.get(v.by) || 0) + 1);

  const turfRows = state.turfs.map((tf) => {
    const hs = households.filter((h) => h.turf === tf.id);
    const visited = hs.filter((h) => h.status !== "not_visited").length;
    const eligible = hs.reduce((n, h) => n + h.sum.eligible, 0);
    const done = hs.reduce((n, h) => n + h.sum.activated, 0);
    const pct = eligible ? Math.round((100 * done) / eligible) : 0;
    return `<li><b>${esc(tf.name)}</b><br>${esc(t("Hộ đã đến: {a}/{b}", { a: num(visited), b: num(hs.length) }))}<br>` +
      `${esc(t("Người đủ 14 tuổi đã kích hoạt: {a}/{b}", { a: num(done), b: num(eligible) }))} (${pct}%)` +
      `<span class="bar" style="--p:${pct}%"></span></li>`;
  }).join("");

  view().innerHTML = `<h1>${esc(t("Tiến độ hôm nay, {d}", { d: date(today) }))}</h1>` +
    `<div class="stats">` +
    `<p><b id="p-visits">${num(todays.length)}</b>${esc(tn("lượt đến nhà", todays.length))}</p>` +
    `<p><b id="p-reached">${num(reached.size)}</b>${esc(t("hộ đã gặp"))}</p>` +
    `<p><b id="p-activated">${num(activated)}</b>${esc(t("người đã kích hoạt"))}</p>` +
    `<p><b id="p-registered">${num(registered)}</b>${esc(t("hồ sơ chờ duyệt"))}</p></div>` +
    (byMember.size ? `<h2>${esc(t("Theo người"))}</h2><ul class="cards">${[...byMember].sort((a, b) => b[1] - a[1]).map(([who, n]) =>
      `<li>${esc(who)}: <b>${esc(tn("{n} lượt", n, { n: num(n) }))}</b></li>`).join("")}</ul>` : "") +
    `<h2>${esc(t("Cả chiến dịch, theo khu vực"))}</h2><ul class="cards">${turfRows}</ul>` +
    (state.campaign ? `<p class="hint">${esc(state.campaign.name)}${state.campaign.deadline
      ? ` · ${esc(t("Hạn: {d}", { d: state.campaign.deadline.split("-").reverse().join("/") }))}` : ""}</p>` : "");
}
