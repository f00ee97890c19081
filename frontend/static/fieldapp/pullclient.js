/* Runs the pull in pullworker.js where the browser has module workers (Chromium 80+,
 * Safari 15+), on the main thread where it has not; same result either way. */

import { pullAll } from "./pull.js";
import { state, loadMeta } from "./store.js";

let worker = null;
let unusable = typeof Worker !== "function";

function pullInWorker() {
  if (!worker) worker = new Worker(new URL("./pullworker.js", import.meta.url), { type: "module" });
  return new Promise((resolve, reject) => {
    worker.onmessage = (event) => (event.data.ok ? resolve(event.data.result) : reject(new Error(event.data.error)));
    // A browser without module workers fails the script here, before any request is sent.
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      worker = null;
      unusable = true;
      reject(new Error("module worker unavailable"));
    };
    worker.postMessage({ user: state.user });
  });
}

/** Like pullAll(): resolves with {state, changed}; the page's state is reloaded when the
 * pull changed what is stored. */
export async function pullOffThread() {
  if (unusable) return pullAll();
  let result;
  try {
    result = await pullInWorker();
  } catch (error) {
    if (!unusable) throw error;
    return pullAll();
  }
  if (result.changed) await loadMeta();
  return result;
}
