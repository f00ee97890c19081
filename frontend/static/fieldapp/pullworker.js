/* The pull, off the page's main thread (issue 15, item 13). A phone's first sign-in
 * downloads its whole turf: parsing the pages and writing thousands of rows to IndexedDB
 * on the main thread kept the screen from answering taps for over a second on a cheap
 * phone. Here the same code (pull.js) runs in a dedicated worker; the page hears of the
 * writes through db.js's BroadcastChannel, as it does of the service worker's. */

import { pullAll } from "./pull.js";
import { state, loadMeta } from "./store.js";

self.onmessage = async (event) => {
  try {
    await loadMeta(); // the campaign and codes as stored, which a page of changes builds on
    state.user = event.data.user || state.user;
    self.postMessage({ ok: true, result: await pullAll() });
  } catch (error) {
    self.postMessage({ ok: false, error: String(error && error.message || error) });
  }
};
