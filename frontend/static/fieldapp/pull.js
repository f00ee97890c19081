/* Downloading the team's turfs (docs/sync-protocol.md, "Pull"): a full download the first
 * time, then the changes since the stored cursor, following has_more. Each page is applied
 * in one transaction together with its cursor, so a download cut off half-way resumes
 * where it stopped and never applies a page twice. */

import { db, req, state, loadMeta, rebuildWalks } from "./store.js";
import { summarize } from "./model.js";

const PULL_URL = "/api/v1/sync/pull";
const CODE_FIELDS = ["code", "scope", "label_vi", "label_en", "interest", "vneid_level", "vneid_status",
  "needs_revisit", "household_reached"];

const objects = (fields, rows) => rows.map((row) => Object.fromEntries(fields.map((f, i) => [f, row[i]])));
const table = (part) => (part ? objects(part.fields, part.rows) : []);

/** Pull until caught up. Resolves with {state: "done" | "offline" | "signed_out" |
 * "server_error" | "user_changed", changed, user}: each answer says whose session it is,
 * and a page for someone other than the person whose data the phone holds is not applied
 * ("user_changed": sync.js adopts that person, which clears the turf data, and pulls again). */
export async function pullAll() {
  let { cursor, campaign, dataOwner } = await db.getMeta(["cursor", "campaign", "dataOwner"]);
  let user = null;
  let changed = false;
  for (let pages = 0; pages < 10000; pages++) {
    const params = new URLSearchParams();
    if (campaign) params.set("campaign", campaign.id);
    if (cursor) params.set("cursor", cursor);
    let response;
    try {
      response = await fetch(`${PULL_URL}?${params}`, { credentials: "same-origin", cache: "no-store",
        headers: { Accept: "application/json" } });
    } catch (_) {
      return { state: "offline", changed };
    }
    if (response.status === 401 || response.status === 403) return { state: "signed_out", changed };
    if (response.status === 400 || response.status === 404 || response.status === 410) {
      // bad_cursor, the campaign was closed, or cursor_expired (a cursor older than the
      // server keeps changes for): download the newest campaign whole again. Only the
      // turf cache goes; the outbox stays.
      await db.clearTurfData();
      await db.setMeta({ dataOwner: state.user && state.user.username });
      if (!cursor && !campaign) return { state: "server_error", changed };
      cursor = null;
      campaign = null;
      changed = true;
      continue;
    }
    if (!response.ok) return { state: "server_error", changed };
    let body;
    try {
      body = await response.json();
    } catch (_) {
      return { state: "offline", changed }; // cut off on the way
    }
    if (body.user) {
      user = body.user;
      if (dataOwner && user.username !== dataOwner) return { state: "user_changed", changed, user };
    }
    await apply(body, !!cursor && cursor.startsWith("x."));  // a page of changes, not of the first download
    changed = changed || !!(body.households || body.removed || body.turfs);
    cursor = body.cursor;
    campaign = body.campaign || campaign;
    if (!body.has_more) break;
  }
  if (changed) await loadMeta();
  return { state: "done", changed, user };
}

// A page of 500 households is seconds of work on a cheap phone: it is done in slices of
// about this long (ms), so the screen keeps answering taps meanwhile.
const SLICE_MS = 8;
const yieldToPhone = () => new Promise((resolve) => setTimeout(resolve, 0));

/** One page in one transaction. `incremental`: a page of changes (households may have
 * moved between our turfs), not a page of the first download. */
async function apply(body, incremental) {
  const households = table(body.households);
  await yieldToPhone();
  const residents = table(body.residents);
  const visits = table(body.visits);
  const home = new Map(table(body.home).map((row) => [row.household, row])); // hometime.js
  const appts = new Map(); // appointments.js: the team's home appointments per household
  for (const a of table(body.appointments)) {
    if (!appts.has(a.household)) appts.set(a.household, []);
    appts.get(a.household).push([a.id, a.starts_at, a.ends_at, a.status, a.note]);
  }
  await yieldToPhone();
  const level = (body.campaign || state.campaign || {}).target_level || 2;
  const stores = ["meta", "turfs", "households", "walks", "residents", "visits", "sent"];
  return db.run(stores, "readwrite", async (tx) => {
    const writer = pageWriter(tx);
    putHeader(tx, body);
    const removed = body.removed || {};
    await dropRemoved(writer, removed);
    await putHouseholds(writer, households, residents, { incremental, level, home, appts });
    for (const v of visits) {
      writer.vs.put(v);
      await writer.slice();
    }
    const map = await takeBackOurVisits(writer, visits);
    for (const turf of removed.turfs || []) writer.touched.delete(turf);
    await rebuildWalks(tx, [...writer.touched].filter((turf) => turf != null));
    writer.meta.put(map, "householdMap");
    writer.meta.put(body.cursor, "cursor");
    writer.meta.put(Date.now(), "lastPullAt");
  });
}

/** What every step of applying a page shares: its stores, the turfs whose walk index must
 * be rewritten (`touched`), slicing, and dropping a household with all stored under it. */
function pageWriter(tx) {
  const meta = tx.objectStore("meta");
  const hs = tx.objectStore("households");
  const rs = tx.objectStore("residents");
  const vs = tx.objectStore("visits");
  const touched = new Set();
  // Inside the transaction only a pending request keeps it open: a slice ends by waiting
  // for a cheap read, which hands the main thread back to the page meanwhile.
  let sliceStart = performance.now();
  async function slice() {
    if (performance.now() - sliceStart < SLICE_MS) return;
    await req(meta.count());
    sliceStart = performance.now();
  }
  async function dropHousehold(id) {
    const old = await req(hs.get(id));
    if (old) touched.add(old.turf);
    hs.delete(id);
    for (const key of await req(rs.index("household").getAllKeys(id))) rs.delete(key);
    for (const key of await req(vs.index("household").getAllKeys(id))) vs.delete(key);
  }
  return { tx, meta, hs, rs, vs, touched, slice, dropHousehold };
}

/** The page's header: the campaign, its codes, and the team's turfs. */
function putHeader(tx, body) {
  const meta = tx.objectStore("meta");
  if (body.campaign) meta.put(body.campaign, "campaign");
  if (body.codes) meta.put(objects(CODE_FIELDS, body.codes), "codes");
  if (body.turfs) {
    // The header always lists every turf the team has now.
    const turfs = tx.objectStore("turfs");
    turfs.clear();
    for (const [id, name, kind, group, team] of body.turfs) turfs.put({ id, name, kind, group, team });
  }
}

/** Turfs and households the team no longer has, with everything stored under them. */
async function dropRemoved(writer, removed) {
  for (const turf of removed.turfs || []) {
    writer.tx.objectStore("turfs").delete(turf);
    writer.tx.objectStore("walks").delete(turf);
    for (const id of await req(writer.hs.index("turf").getAllKeys(turf))) await writer.dropHousehold(id);
  }
  for (const id of removed.households || []) await writer.dropHousehold(id);
}

/** The page's households, each with its summary over the residents it now has. */
async function putHouseholds(writer, households, residents, { incremental, level, home, appts }) {
  // A page carries every resident of each household it sends: that set replaces ours.
  const byHousehold = new Map(households.map((h) => [h.id, []]));
  for (const r of residents) byHousehold.get(r.household)?.push(r);
  const stored = await anyResidentsStored(writer, households);
  for (const h of households) {
    writer.touched.add(h.turf);
    if (incremental) {
      const old = await req(writer.hs.get(h.id));
      if (old) writer.touched.add(old.turf);
    }
    const fresh = byHousehold.get(h.id);
    const local = stored ? await replaceResidents(writer, h.id, fresh) : [];
    for (const r of fresh) writer.rs.put(r);
    h.sum = summarize(h, fresh.concat(local), level);
    h.home = home.get(h.id) || null; // sent with its household: none means nothing learned
    h.appts = appts.get(h.id) || null; // likewise: none means no appointment (or cancelled)
    writer.hs.put(h);
    await writer.slice();
  }
}

/** On a first download no household of the page has residents stored yet: one count
 * spares a lookup per household (500 round trips to the database). Truthy when some may. */
async function anyResidentsStored(writer, households) {
  const ids = households.map((h) => h.id).filter((id) => typeof id === "number");
  return ids.length < households.length || (ids.length &&
    await req(writer.rs.index("household").count(IDBKeyRange.bound(Math.min(...ids), Math.max(...ids)))));
}

/** Delete the stored residents of household `id` that `fresh` no longer lists; resolves
 * with the ones added at the door, which are not the server's to drop. */
async function replaceResidents(writer, id, fresh) {
  const keep = new Set(fresh.map((r) => r.id));
  const local = [];
  for (const key of await req(writer.rs.index("household").getAllKeys(id))) {
    // Residents added at the door ("u:<uuid>") stay until their visit comes back.
    if (typeof key === "string") local.push(await req(writer.rs.get(key)));
    else if (!keep.has(key)) writer.rs.delete(key);
  }
  return local;
}

/** Our own visits coming back: they stop overlaying the server's state, and a household
 * or resident added at the door is now the server's (its local copy goes). Resolves with
 * the household map (local key -> server id), updated. */
async function takeBackOurVisits(writer, visits) {
  const sent = writer.tx.objectStore("sent");
  const ours = new Set(await req(sent.getAllKeys()));
  const map = (await req(writer.meta.get("householdMap"))) || {};
  for (const v of visits) {
    if (!ours.has(v.client_uuid)) continue;
    const item = await req(sent.get(v.client_uuid));
    sent.put({ ...item, pulled: true });
    if (item.created) {
      if (item.created.household) {
        map[item.created.household] = v.household;
        await writer.dropHousehold(item.created.household);
      }
      for (const id of item.created.residents || []) writer.rs.delete(id);
    }
  }
  return map;
}

/** Eligibility changes with the date (people turn 14 without any visit): recompute every
 * household's summary once a day, when the app starts. True when summaries changed. */
export async function resummarizeDaily() {
  const today = new Date().toDateString();
  const { summaryDay, campaign } = await db.getMeta(["summaryDay", "campaign"]);
  if (summaryDay === today) return false;
  const level = (campaign && campaign.target_level) || 2;
  return db.run(["meta", "turfs", "households", "walks", "residents"], "readwrite", async (tx) => {
    const all = await req(tx.objectStore("residents").getAll());
    const byHousehold = new Map();
    for (const r of all) (byHousehold.get(r.household) || byHousehold.set(r.household, []).get(r.household)).push(r);
    const households = await req(tx.objectStore("households").getAll());
    let sliceStart = performance.now();
    for (const h of households) {
      h.sum = summarize(h, byHousehold.get(h.id) || [], level);
      tx.objectStore("households").put(h);
      if (performance.now() - sliceStart > SLICE_MS) { // see pageWriter()
        await req(tx.objectStore("meta").count());
        sliceStart = performance.now();
      }
    }
    await rebuildWalks(tx, (await req(tx.objectStore("turfs").getAllKeys())));
    tx.objectStore("meta").put(today, "summaryDay");
    return households.length > 0;
  });
}
