/* GPS on a visit, optional (issue 15). The app asks once, in the visit form, whether to
 * record where visits are made; with a yes, the browser asks for the permission and the
 * form keeps the latest fix while it is open. Saving never waits for a position: a visit
 * takes the fix there is (at most two minutes old), or none. The choice is the phone's,
 * kept in localStorage, so that signing in as someone else does not ask again. */

import { t } from "./i18n.js";
import { esc } from "./ui.js";

const CHOICE = "tn.gps";
const FRESH_MS = 2 * 60 * 1000;
let watch = null;
let fix = null; // {latitude, longitude, accuracy, at}

const supported = () => "geolocation" in navigator;
const choice = () => {
  try {
    return localStorage.getItem(CHOICE);
  } catch (_) {
    return "no"; // storage refused (private mode): never nag
  }
};

function remember(value) {
  try {
    localStorage.setItem(CHOICE, value);
  } catch (_) { /* asked again next time: harmless */ }
}

function start() {
  if (watch !== null || !supported()) return;
  watch = navigator.geolocation.watchPosition((p) => {
    fix = { latitude: +p.coords.latitude.toFixed(6), longitude: +p.coords.longitude.toFixed(6),
      accuracy: Math.round(p.coords.accuracy), at: Date.now() };
  }, (error) => {
    if (error.code === error.PERMISSION_DENIED) remember("no");
  }, { enableHighAccuracy: true, maximumAge: FRESH_MS, timeout: 30000 });
}

/** Stop watching (the form closed): the radio is the battery's biggest cost. */
export function stopPosition() {
  if (watch !== null) navigator.geolocation.clearWatch(watch);
  watch = null;
}

/** Called when the visit form opens. Returns the one-time question's HTML, or "". */
export function positionPrompt() {
  if (!supported()) return "";
  const chosen = choice();
  if (chosen === "yes") start();
  if (chosen) return "";
  return `<p class="gps-ask" id="gps-ask">${esc(t("Ghi vị trí cùng lượt đến nhà, để công an xã / phường đối chiếu?"))} ` +
    `<button type="button" class="small" data-gps="yes">${esc(t("Cho phép"))}</button> ` +
    `<button type="button" class="small ghost" data-gps="no">${esc(t("Không"))}</button></p>`;
}

/** Wire the question's buttons inside `root`. */
export function bindPositionPrompt(root) {
  const ask = root.querySelector("#gps-ask");
  if (!ask) return;
  ask.addEventListener("click", (event) => {
    const value = event.target.dataset && event.target.dataset.gps;
    if (!value) return;
    remember(value);
    ask.remove();
    if (value === "yes") start();
  });
}

/** The fields a visit carries: the latest fresh fix, or nothing. */
export function positionFields() {
  if (!fix || Date.now() - fix.at > FRESH_MS) return {};
  return { latitude: fix.latitude, longitude: fix.longitude, accuracy: fix.accuracy };
}
