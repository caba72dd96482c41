/**
 * The HDF5 worker thread's source, kept as a string (like the hash pool's) so it runs the same
 * from compiled code and from TypeScript sources under test. It owns one libhdf5 instance
 * (h5wasm's low-level module, `dist/node/hdf5_util.js`) and answers one request at a time:
 * open a file read-only, read the named root attributes if they are single strings, close it.
 *
 * Protocol: requests `{ id, path, wanted, maxChars }` arrive on `workerData.port`; the reply
 * `{ id, names, attributes }` or `{ id, error, fatal }` goes back on the same port, and then
 * `flag[0] = id` is stored and notified, so the main thread can block on it with Atomics.wait
 * and take the reply with receiveMessageOnPort. `{ id: 0 }` is sent once the library is loaded.
 *
 * `fatal: true` means this instance must not be used again: HDF5 failed after opening the file
 * (h5wasm's throwing error handler leaves ids open, and a file left open is matched by inode to
 * the next temporary file), or WebAssembly aborted. A file that cannot be opened at all leaves
 * nothing behind, and the instance goes on. Descriptors are closed before replying.
 */
export const HDF5_WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, flag, factoryUrl } = workerData;
const H5T_STRING = 3;
const H5T_STR_SPACEPAD = 2;
const silent = () => undefined;
let m;

function reply(message) {
  port.postMessage(message);
  Atomics.store(flag, 0, message.id);
  Atomics.notify(flag, 0);
}

function cString(at, max) {
  const heap = m.HEAPU8;
  if (at === 0 || at >= heap.length) return undefined;
  const window = heap.subarray(at, Math.min(heap.length, at + max + 1));
  const end = window.indexOf(0);
  return end === -1 ? undefined : Buffer.from(window.buffer, window.byteOffset, end).toString('utf8');
}

// One attribute that must be a single string. H5Aread writes into zeroed memory, so a failed
// read leaves NULL pointers (h5wasm's own reader frees uninitialised ones and aborts).
function readString(fileId, name, maxChars) {
  const meta = m.get_attribute_metadata(fileId, '/', name);
  if (meta.type !== H5T_STRING) return { name, problem: 'is of HDF5 type class ' + meta.type + ', not a string' };
  if (meta.total_size !== 1) return { name, problem: 'holds ' + meta.total_size + ' strings, not one' };
  if (!meta.vlen && meta.size > maxChars) return { name, problem: 'is a ' + meta.size + '-byte string, over the limit' };
  const ptr = m._malloc(meta.size);
  if (ptr === 0) return { name, problem: 'could not be given memory' };
  m.HEAPU8.fill(0, ptr, ptr + meta.size);
  try {
    m.get_attribute_data(fileId, '/', name, BigInt(ptr));
    let text;
    if (meta.vlen) {
      text = cString(new DataView(m.HEAPU8.buffer).getUint32(ptr, true), maxChars * 4);
      m.reclaim_vlen_memory(fileId, '/', name, BigInt(ptr));
    } else {
      const raw = Buffer.from(m.HEAPU8.subarray(ptr, ptr + meta.size));
      const nul = raw.indexOf(0);
      text = raw.subarray(0, nul === -1 ? raw.length : nul).toString('utf8');
      if (meta.strpad === H5T_STR_SPACEPAD) text = text.replace(/ +$/, '');
    }
    if (text === undefined) return { name, problem: 'is not a readable string within the limit' };
    if (text.length > maxChars) return { name, problem: 'is ' + text.length + ' characters, over the limit' };
    return { name, text };
  } finally {
    m._free(ptr);
  }
}

function readRoot({ id, path, wanted, maxChars }) {
  const fs = m.FS;
  const before = new Set();
  fs.streams.forEach((s, fd) => { if (s) before.add(fd); });
  let fileId;
  try {
    fileId = m.open(path, m.H5F_ACC_RDONLY, false, -1, -1);
    const names = m.get_attribute_names(fileId, '/');
    const attributes = [];
    for (const name of wanted) if (names.includes(name)) attributes.push(readString(fileId, name, maxChars));
    m.close_file(fileId);
    return { id, names, attributes };
  } catch (e) {
    // Close every descriptor the failed call left open: the error handler's tmpfile(), and
    // the file itself when HDF5 failed after opening it.
    fs.streams.forEach((s, fd) => { if (s && !before.has(fd)) { try { fs.close(s); } catch {} } });
    // A failed open leaves nothing behind (libhdf5 closes the file); any later failure leaves
    // ids open, and a trap leaves the instance's memory in an unknown state.
    const fatal = fileId !== undefined || e instanceof WebAssembly.RuntimeError;
    return { id, error: String((e && e.message) || e), fatal };
  }
}

// Emscripten's NODEFS reads the open() flags with process.binding('constants'), which Node's
// permission model refuses (and which is deprecated, DEP0111); the public fs.constants holds the
// same O_* values.
const binding = process.binding;
process.binding = function (name) {
  return name === 'constants' ? { fs: require('node:fs').constants, os: require('node:os').constants } : binding.call(process, name);
};

import(factoryUrl)
  .then(({ default: factory }) => factory({ noInitialRun: true, print: silent, printErr: silent }))
  .then((instance) => {
    m = instance;
    // HDF5 errors become exceptions carrying the error stack, not text on stderr.
    m.activate_throwing_error_handler();
    // No filter plugin may be loaded from the host, whatever a file asks for.
    for (let i = m.get_plugin_search_paths().length; i > 0; i--) m.remove_plugin_search_path(0);
    port.on('message', (request) => reply(readRoot(request)));
    reply({ id: 0 });
  })
  .catch((e) => reply({ id: 0, error: 'HDF5 library failed to load: ' + String((e && e.message) || e), fatal: true }));
`;
