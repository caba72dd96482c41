import type { Machine } from './machine.js';
import { LAZY_TEXT_MAX } from './machine.js';
import { MEMO_PAGE_BITS, S_EMPTY, S_FALSE, S_FLOAT, S_INT, S_NONE, S_OBJ, S_TEXT, S_TRUE } from './slots.js';

const MEMO_SLOT_MASK = (1 << MEMO_PAGE_BITS) - 1;

/** Bytes kept free at the end of the window, so every operand below can be read unchecked. */
const MARGIN = 16;
/** The longest opcode the fast path reads (BINFLOAT: 1 + 8 bytes). */
const MAX_FAST_OPCODE = 9;

/**
 * Interprets a run of plain data opcodes (small ints, floats, None, booleans, short strings,
 * MARK and the memo opcodes), the bulk of a large pickle, straight from the reader's window
 * with the stack's arrays in locals. Scalar slots leave `objs` as it was: a slot's tag says
 * whether its object is meaningful. Each does exactly what parse.ts's case for it does; any
 * opcode it does not handle, or any condition that needs a check it does not make (an
 * operand near the window's end, a full stack, a memo limit, an empty memo slot), ends the run
 * before that opcode, and the general loop takes over from there.
 */
export function fastDataRun(m: Machine, maxOpcodes: number): void {
  const { reader, stack, memo, marks, limits } = m;
  const win = reader.window;
  const base = reader.windowStart;
  let i = reader.pos - base;
  // Inside a frame, stop short of its end: an opcode that crosses it is the general loop's to note.
  const limit = m.frameEnd > reader.pos ? Math.min(win.length - MARGIN, m.frameEnd - base - MAX_FAST_OPCODE) : win.length - MARGIN;
  if (i < 0 || i >= limit) return;
  const tags = stack.tags;
  const nums = stack.nums;
  const room = tags.length - 1;
  let sp = stack.length;
  let oi = m.opIndex;
  let floor = marks.length > 0 ? marks[marks.length - 1]! : 0;
  const maxString = limits.maxStringBytes;
  const maxMemo = limits.maxMemoEntries;
  run: while (i < limit && sp < room && oi + 1 < maxOpcodes) {
    switch (win[i]) {
      case 0x4b: // BININT1
        tags[sp] = S_INT;
        nums[sp] = win[i + 1]!;
        sp++;
        i += 2;
        break;
      case 0x4d: // BININT2
        tags[sp] = S_INT;
        nums[sp] = win[i + 1]! | (win[i + 2]! << 8);
        sp++;
        i += 3;
        break;
      case 0x4a: // BININT
        tags[sp] = S_INT;
        nums[sp] = win[i + 1]! | (win[i + 2]! << 8) | (win[i + 3]! << 16) | (win[i + 4]! << 24);
        sp++;
        i += 5;
        break;
      case 0x47: // BINFLOAT
        tags[sp] = S_FLOAT;
        nums[sp] = win.readDoubleBE(i + 1);
        sp++;
        i += 9;
        break;
      case 0x4e: // NONE
        tags[sp] = S_NONE;
        sp++;
        i += 1;
        break;
      case 0x88: // NEWTRUE
        tags[sp] = S_TRUE;
        sp++;
        i += 1;
        break;
      case 0x89: // NEWFALSE
        tags[sp] = S_FALSE;
        sp++;
        i += 1;
        break;
      case 0x8c: {
        // SHORT_BINUNICODE: a packed slot, as pushString makes it
        const n = win[i + 1]!;
        if (n > LAZY_TEXT_MAX || n > maxString || i + 2 + n > limit) break run;
        tags[sp] = S_TEXT;
        nums[sp] = (base + i + 2) * 1024 + n * 2 + 1;
        sp++;
        i += 2 + n;
        break;
      }
      case 0x58: {
        // BINUNICODE (protocols 1-3 write every str so): short ones as SHORT_BINUNICODE
        const n = win[i + 1]! + (win[i + 2]! << 8) + (win[i + 3]! << 16) + win[i + 4]! * 0x1000000;
        if (n > LAZY_TEXT_MAX || n > maxString || i + 5 + n > limit) break run;
        tags[sp] = S_TEXT;
        nums[sp] = (base + i + 5) * 1024 + n * 2 + 1;
        sp++;
        i += 5 + n;
        break;
      }
      case 0x28: // MARK
        if (marks.length >= limits.maxMarks) break run;
        marks.push(sp);
        floor = sp;
        i += 1;
        break;
      case 0x94: // MEMOIZE
      case 0x71: {
        // BINPUT
        if (sp <= floor) break run;
        const key = win[i] === 0x94 ? memo.count : win[i + 1]!;
        const page = key >>> MEMO_PAGE_BITS;
        // Under a plan (memo-plan.ts) every key goes through the memo's own methods.
        const memoTags = memo.fetched === undefined ? memo.tagPages[page] : undefined;
        const j = key & MEMO_SLOT_MASK;
        const tag = tags[sp - 1]!;
        if (memoTags !== undefined && tag !== S_OBJ && memoTags[j] !== S_OBJ) {
          // A scalar into an existing page slot that holds no object: two numbers are all there is.
          if (memoTags[j] === S_EMPTY) {
            if (memo.count >= maxMemo) break run;
            memo.count++;
          }
          memoTags[j] = tag;
          memo.numPages[page]![j] = nums[sp - 1]!;
        } else {
          // The memo may charge the budget: a LIMIT_MEMORY thrown here is this opcode's.
          m.opStart = base + i;
          m.opIndex = oi + 1;
          if (!memo.store(key, stack, sp - 1, maxMemo)) break run;
        }
        i += win[i] === 0x94 ? 1 : 2;
        break;
      }
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET. A key with no value (never stored, or stored but not kept by a plan
        // that missed its read) is the general loop's BAD_MEMO.
        const long = win[i] === 0x6a;
        const key = long ? win[i + 1]! + (win[i + 2]! << 8) + (win[i + 3]! << 16) + win[i + 4]! * 0x1000000 : win[i + 1]!;
        stack.length = sp;
        if (!memo.pushTo(key, stack)) break run;
        sp = stack.length;
        i += long ? 5 : 2;
        break;
      }
      default:
        break run;
    }
    oi++;
  }
  stack.length = sp;
  reader.pos = base + i;
  m.opIndex = oi;
}
