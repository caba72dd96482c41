/** Hash locks: `modelgate lock` pins a target's files, `modelgate verify` checks them. */
export { collectHub, collectLocal } from './collect.js';
export { compareWithLock, type LockComparison } from './compare.js';
export { LOCK_SCHEMA, readLock, writeLock, type LockEntry, type LockFile, type LockSource } from './model.js';
export { lockTarget, verifyTarget, type VerifyReport } from './run.js';
