/* The page's access to the phone's data: the shared IndexedDB layer (db.js, outbox.js,
 * push.js, also used by the service worker) and the little state every view reads. */

import "./db.js";
import "./outbox.js";
import "./push.js";

const TN = self.TN;
export const { db, outbox, push } = TN;
export const req = db.req;

export const state = {
  user: null, // {username, name}: who last signed in on this phone
  session: "unknown", // "ok" | "signed_out" | "offline" while unknown
  campaign: null,
  codes: new Map(), // code -> {code, scope, label_vi, label_en, interest, vneid_level, ...}
  turfs: [], // [{id, name, kind, group, team}]
  householdMap: {}, // "u:<uuid>" of a household added at the door -> its server id
  level: 2, // the campaign's target VNeID level
};

export async function loadMeta() {
  const m = await db.getMeta(["user", "campaign", "codes", "householdMap"]);
  state.user = m.user || null;
  state.campaign = m.campaign || null;
  state.level = (m.campaign && m.campaign.target_level) || 2;
  state.codes = new Map((m.codes || []).map((c) => [c.code, c]));
  state.householdMap = m.householdMap || {};
  state.turfs = (await db.all("turfs")).sort((a, b) => a.name.localeCompare(b.name, "vi"));
}

export const codesOf = (scope) => [...state.codes.values()].filter((c) => c.scope === scope);

export const householdsOf = (turfId) => db.all("households", "turf", turfId);
export const household = (id) => db.get("households", id);
export const residentsOf = (id) => db.all("residents", "household", id);
export const visitsOf = (id) => db.all("visits", "household", id);

const byWalkKey = (a, b) => (a.walk_key < b.walk_key ? -1 : a.walk_key > b.walk_key ? 1 : 0);

/** Rewrite the walk index of these turfs inside `tx` (which must cover "households" and
 * "walks"): what the walk list shows of each household, in walk order, as flat arrays
 * (far cheaper to read back than objects with named fields). */
export async function rebuildWalks(tx, turfs) {
  for (const turf of turfs) {
    const rows = (await req(tx.objectStore("households").index("turf").getAll(turf))).sort(byWalkKey).map((h) => [
      h.id, h.address, h.status, h.last_visit_time, h.revisit_after, h.sum.key, h.sum.names, h.sum.eligible,
      h.sum.open.join(","), (h.sum.support ? 1 : 0) | (h.sum.interested ? 2 : 0),
      h.home ? [h.home.rates, h.home.tried, h.home.never] : null, // enough for hometime.js likelyNow
      h.appts || null]); // appointments.js
    tx.objectStore("walks").put({ turf, rows });
  }
}

const fromRow = (turf) => ([id, address, status, last_visit_time, revisit_after, key, names, eligible, open, flags, home, appts]) => ({
  id, turf, address, status, last_visit_time, revisit_after, home: home ? { rates: home[0], tried: home[1], never: home[2] } : null,
  appts: appts || null,
  sum: { key, names, eligible, open: open ? open.split(",").map(parseId) : [], support: !!(flags & 1), interested: !!(flags & 2) },
});

/** `read()` kept in memory until a write to one of `stores` commits (in this tab, another
 * one or the service worker: db.onChange). Going back to the walk list after every visit
 * then reads nothing it already has: on a cheap phone a read waits its turn behind the
 * disk, and decoding 500 households costs more than drawing them. */
function cached(stores, read) {
  const values = new Map();
  let generation = 0;
  db.onChange((changed) => {
    if (changed.some((s) => stores.includes(s))) {
      values.clear();
      generation++;
    }
  });
  const get = (key) => {
    if (values.has(key)) return values.get(key);
    const started = generation;
    const value = read(key);
    values.set(key, value);
    // A write that committed while we were reading may or may not be in what we read.
    value.then(() => started === generation || values.get(key) !== value || values.delete(key),
      () => values.get(key) === value && values.delete(key));
    return value;
  };
  get.generation = () => generation;
  get.peek = (key) => values.get(key);
  get.seed = (key, value) => values.set(key, Promise.resolve(value));
  return get;
}

/** The turf's households in walk order, as the walk list shows them: one read. Callers
 * share the objects: never change them. */
export const walkOf = cached(["walks", "households"], async (turfId) => {
  const walk = await db.get("walks", turfId);
  if (walk) return walk.rows.map(fromRow(turfId));
  return (await householdsOf(turfId)).sort(byWalkKey); // written before the index existed
});

/** A household id from the URL: numbers are the server's, "u:<uuid>" added at the door. */
export const parseId = (text) => (/^\d+$/.test(text) ? Number(text) : text);

/** Where a local household key now lives (its server id once the pull brought it back). */
export const resolveHousehold = (key) => state.householdMap[key] ?? key;

/** Visits recorded on this phone that the pull has not brought back yet (queued, or sent
 * and not yet pulled), the latest per household. */
export const localVisits = () => readLocal(state.householdMap);

function fold(latest, item) {
  const key = resolveHousehold(item.household);
  const prev = latest.get(key);
  if (!prev || prev.createdAt <= item.createdAt) latest.set(key, item);
  return latest;
}

// Keyed by the household map in use: a pull that changes it also writes "meta".
const readLocal = cached(["outbox", "sent", "meta"], async () => {
  const [queued, sent] = await db.run(["outbox", "sent"], "readonly", (tx) =>
    Promise.all([req(tx.objectStore("outbox").getAll()), req(tx.objectStore("sent").getAll())]));
  return sent.filter((s) => !s.pulled).concat(queued).reduce(fold, new Map());
});

/** outbox.save, then the saved visit folded into the local visits kept in memory (when
 * nothing else wrote to the outbox meanwhile): back on the walk list after a visit, the
 * household shows its new state without reading the outbox again. */
export async function queueVisit(args) {
  const key = state.householdMap;
  const before = readLocal.peek(key);
  const generation = readLocal.generation();
  await outbox.save(args);
  if (!before || readLocal.generation() !== generation + 1 || state.householdMap !== key) return;
  let latest;
  try {
    latest = await before;
  } catch (_) {
    return;
  }
  if (readLocal.generation() === generation + 1 && !readLocal.peek(key)) readLocal.seed(key, fold(new Map(latest), args.item));
}

/** The csrftoken cookie, for the X-CSRFToken header (and kept for the service worker,
 * which cannot read cookies where the Cookie Store API is missing). */
export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}
