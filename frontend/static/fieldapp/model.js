/* What the walk list and the household screen derive from the cached rows: age and
 * eligibility (14+ today, as households/models.py), who still needs activating, and a
 * household's state at a glance, with visits still on this phone taken into account. */

import { searchKey } from "./text.js";

export const ELIGIBLE_AGE = 14;
const GONE = new Set(["moved", "deceased"]);
export const SUPPORT = { 1: "Người cao tuổi sống một mình", 2: "Khuyết tật", 4: "Ốm đau" };

/** Moved and deceased residents leave the walk list (and every count). */
export const living = (r) => !GONE.has(r.residence_status);

const ymd = (d) => [d.getFullYear(), d.getMonth() + 1, d.getDate()];

export function ageOf(r, today = new Date()) {
  const [y, m, d] = ymd(today);
  if (r.birth_date) {
    const [by, bm, bd] = r.birth_date.split("-").map(Number);
    return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
  }
  return r.birth_year ? y - r.birth_year : null;
}

/** 14 or older today, as households/models.py has it (born on 29 February: from 1 March in
 * a common year). A volunteer's phone gets no birth date (Decree 13/2023: the birth year,
 * and the 14th birthday where the year alone would be wrong, `eligible_from`); with only a
 * birth year, from 1 January of the year they turn 14. */
export function isEligible(r, today = new Date()) {
  const [y, m, d] = ymd(today);
  if (!r.birth_date && r.eligible_from) {
    const [ey, em, ed] = r.eligible_from.split("-").map(Number);
    return ey < y || (ey === y && (em < m || (em === m && ed <= d)));
  }
  if (r.birth_date) {
    const [by, bm, bd] = r.birth_date.split("-").map(Number);
    const cutoff = [y - ELIGIBLE_AGE, m, d];
    return by < cutoff[0] || (by === cutoff[0] && (bm < m || (bm === m && bd <= d)));
  }
  return r.birth_year != null && r.birth_year <= y - ELIGIBLE_AGE;
}

/** Activated at the campaign's target level (a level-2 account counts for level 1 too). */
export const isActivated = (r, level) => r.vneid2 === 2 || (level === 1 && r.vneid1 === 2);

/** An outcome that activates at the target level. */
export const activates = (code, level) =>
  !!code && code.vneid_status === "activated" && (level === 1 || code.vneid_level >= level);

/** Computed once per pull and stored on the household, so opening the walk list reads one
 * store and computes nothing per resident. */
export function summarize(h, residents, level, today = new Date()) {
  const here = residents.filter(living);
  const eligible = here.filter((r) => isEligible(r, today));
  const open = eligible.filter((r) => !isActivated(r, level));
  return {
    key: searchKey([h.address, ...here.map((r) => r.full_name)].join(" ")),
    names: here.filter((r) => isEligible(r, today)).map((r) => r.full_name).slice(0, 3).join(", "),
    eligible: eligible.length,
    activated: eligible.length - open.length,
    open: open.map((r) => r.id),
    support: here.some((r) => r.support),
    interested: open.some((r) => r.interest === "interested"),
  };
}

/** The household's state at a glance: not_visited | revisit | visited | done, with what
 * this phone recorded and the server has not yet sent back folded in. */
export function glance(h, local, codes, level) {
  let status = h.status;
  let revisitAfter = h.revisit_after;
  let open = h.sum.open;
  let interested = h.sum.interested;
  if (local && (!h.last_visit_time || Date.parse(local.body.device_time) >= Date.parse(h.last_visit_time))) {
    const code = codes.get(local.body.outcome);
    status = code && code.needs_revisit ? "revisit" : "visited";
    revisitAfter = local.body.revisit_after;
    const done = new Set(local.body.residents.filter((p) => activates(codes.get(p.outcome), level)).map((p) => p.resident));
    open = open.filter((id) => !done.has(id));
    if (!open.length) interested = false;
  }
  if (h.sum.eligible > 0 && !open.length) status = "done";
  return { status, revisitAfter, pending: !!local, interested, activated: h.sum.eligible - open.length };
}

/** Due for the revisit now: asked to come back and the agreed time has come. */
export const revisitDue = (g, now = new Date()) =>
  g.status === "revisit" && (!g.revisitAfter || new Date(g.revisitAfter) <= now);
