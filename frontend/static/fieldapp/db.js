/* The phone's IndexedDB: the turf cache and the outbox, shared by the page and the
 * service worker.
 *
 * A classic script that registers itself on self.TN rather than an ES module: django-pwa
 * registers /serviceworker.js as a classic worker from every page, so the worker can only
 * load code with importScripts(). The page loads this file with a side-effect import.
 *
 * Schema changes are migrations appended to MIGRATIONS and run in onupgradeneeded. Never
 * delete or recreate a store that holds a person's work (outbox, rejected, sent): a new
 * version of the app must find every queued visit where the old one left it.
 */
"use strict";

// A block, not a function wrapped round the file: it keeps these names out of the global scope
// that the service worker shares with every script it imports, and each function stays short.
{
  const TN = (self.TN = self.TN || {});

  const NAME = "tungnha-field";

  const MIGRATIONS = [
    // 1. The first schema.
    (db) => {
      db.createObjectStore("meta"); // key -> value: cursor, campaign, codes, user, ...
      db.createObjectStore("turfs", { keyPath: "id" });
      // Server households have numeric ids; households added at the door "u:<uuid>".
      db.createObjectStore("households", { keyPath: "id" }).createIndex("turf", "turf");
      // One record per turf with its households in walk order: the walk list opens with
      // one read (reading 500 records one by one costs ten times more on a cheap phone).
      db.createObjectStore("walks", { keyPath: "turf" });
      db.createObjectStore("residents", { keyPath: "id" }).createIndex("household", "household");
      const visits = db.createObjectStore("visits", { keyPath: "id" });
      visits.createIndex("household", "household");
      visits.createIndex("uuid", "client_uuid");
      // The outbox: visits saved on this phone and not yet answered by the server.
      db.createObjectStore("outbox", { keyPath: "uuid" }).createIndex("username", "username");
      db.createObjectStore("sent", { keyPath: "uuid" }).createIndex("sentAt", "sentAt");
      db.createObjectStore("rejected", { keyPath: "uuid" });
    },
    // @next-migration (append new steps above this line; never edit a released step)
  ];
  const VERSION = MIGRATIONS.length;
  const TURF_STORES = ["turfs", "households", "walks", "residents", "visits"];
  // Meta keys that describe the downloaded turf data; "user" and "csrf" outlive them.
  const TURF_META = ["cursor", "campaign", "codes", "householdMap", "lastPullAt", "dataOwner", "summaryDay"];

  let opening = null;

  // Every committed write is announced, to this context's listeners and over a
  // BroadcastChannel to the other tabs and the service worker, so a page may keep what it
  // read in memory until a store it came from changes (see store.js, cached()).
  const listeners = new Set();
  const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("tungnha-db") : null;
  const notify = (stores) => listeners.forEach((fn) => fn(stores));
  if (channel) channel.onmessage = (event) => notify(event.data.stores);
  function onChange(fn) {
    listeners.add(fn);
  }
  function announce(stores) {
    notify(stores);
    if (channel) channel.postMessage({ stores });
  }

  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const request = indexedDB.open(NAME, VERSION);
        request.onupgradeneeded = (event) => {
          for (let step = event.oldVersion; step < VERSION; step++) {
            MIGRATIONS[step](request.result, request.transaction);
          }
        };
        request.onsuccess = () => {
          const db = request.result;
          // A newer release (another tab, or the page after a service worker update)
          // wants to upgrade: close, or its upgrade is blocked for as long as we live.
          db.onversionchange = () => {
            db.close();
            opening = null;
            if (TN.onVersionChange) TN.onVersionChange();
          };
          resolve(db);
        };
        request.onerror = () => {
          opening = null;
          reject(request.error);
        };
      });
    }
    return opening;
  }

  /** An IDBRequest as a promise. Awaiting it inside run() keeps the transaction alive. */
  function req(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  /** Run fn(tx) in one transaction; resolves with fn's value once the transaction has
   * committed (not merely when the last request succeeded). fn may await only IndexedDB
   * requests: awaiting anything else lets the transaction commit early. */
  async function run(stores, mode, fn, options) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(stores, mode, options);
      let value;
      tx.oncomplete = () => {
        if (mode === "readwrite") announce(stores);
        resolve(value);
      };
      tx.onabort = () => reject(tx.error || new DOMException("aborted", "AbortError"));
      Promise.resolve(fn(tx)).then(
        (v) => { value = v; },
        (err) => {
          try { tx.abort(); } catch (_) { /* already finished */ }
          reject(err);
        },
      );
    });
  }

  const get = (store, key) => run([store], "readonly", (tx) => req(tx.objectStore(store).get(key)));
  const all = (store, index, key) =>
    run([store], "readonly", (tx) => {
      const source = index ? tx.objectStore(store).index(index) : tx.objectStore(store);
      return req(source.getAll(key));
    });
  const setMeta = (values) =>
    run(["meta"], "readwrite", (tx) => {
      for (const [key, value] of Object.entries(values)) tx.objectStore("meta").put(value, key);
    });
  const getMeta = async (keys) => {
    const values = await run(["meta"], "readonly", (tx) => Promise.all(keys.map((k) => req(tx.objectStore("meta").get(k)))));
    return Object.fromEntries(keys.map((k, i) => [k, values[i]]));
  };

  /** Forget the downloaded turf data (another person signed in, or signed out) but never
   * the outbox, the rejected list or the sent log. */
  const clearTurfData = () =>
    run(TURF_STORES.concat(["meta"]), "readwrite", (tx) => {
      for (const store of TURF_STORES) tx.objectStore(store).clear();
      for (const key of TURF_META) tx.objectStore("meta").delete(key);
    });

  TN.db = { NAME, VERSION, open, run, req, get, all, getMeta, setMeta, clearTurfData, onChange, TURF_STORES };
}
