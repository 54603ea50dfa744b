// Compact in-memory mempool: one packed record per transaction in typed arrays (struct of
// arrays), an open-addressing txid index and a pooled parent-edge list. No verbose JSON is
// kept. Per transaction: txid 32 B + vsize 4 + fee 8 + time 4 + generation 4 + first edge 4
// + index 2 x 4 B at load <= 0.5 = 64 B, plus 12 B per in-mempool parent; arrays grow by
// doubling, so the allocated figure stays under ~128 B/tx.

const EMPTY = -1;
const TOMBSTONE = -2;
const NO_EDGE = -1;

export interface MempoolEntryInput {
  txid: string;
  vsize: number;
  /** base fee, sat */
  fee: number;
  /** entry time, s */
  time: number;
  /** txids of in-mempool parents (getmempoolentry `depends`) */
  depends?: string[];
}

/** hex digit value by char code, -1 for anything else */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}

function hexInto(hex: string, out: Uint8Array, offset: number): boolean {
  if (hex.length !== 64) return false;
  for (let i = 0; i < 32; i++) {
    const hi = HEX_VALUE[hex.charCodeAt(i * 2) & 127]!;
    const lo = HEX_VALUE[hex.charCodeAt(i * 2 + 1) & 127]!;
    if (hi < 0 || lo < 0 || hex.charCodeAt(i * 2) > 127 || hex.charCodeAt(i * 2 + 1) > 127) return false;
    out[offset + i] = (hi << 4) | lo;
  }
  return true;
}

const HEX_DIGITS = '0123456789abcdef';
function bytesToHex(bytes: Uint8Array, offset: number): string {
  let s = '';
  for (let i = 0; i < 32; i++) {
    const b = bytes[offset + i]!;
    s += HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!;
  }
  return s;
}

export class CompactMempool {
  private capacity: number;
  private txids: Uint8Array;
  private vsizes: Uint32Array;
  private fees: Float64Array;
  private times: Uint32Array;
  /** bumped each time a slot is reused, so stale parent edges to it are ignored */
  private generations: Uint32Array;
  private firstEdge: Int32Array;
  private freeSlots: number[] = [];
  /** slots ever used (live ones have vsize > 0) */
  private highWater = 0;
  private count = 0;

  private table: Int32Array;
  private tombstones = 0;

  private edgeParent: Int32Array;
  private edgeGen: Uint32Array;
  private edgeNext: Int32Array;
  private edgeFree = NO_EDGE;
  private edgeHigh = 0;

  private readonly scratch = new Uint8Array(32);
  /** transactions refused because the cap was reached */
  refused = 0;

  constructor(
    readonly maxTransactions: number,
    initialCapacity = 1_024
  ) {
    this.capacity = Math.max(16, Math.min(initialCapacity, maxTransactions));
    this.txids = new Uint8Array(this.capacity * 32);
    this.vsizes = new Uint32Array(this.capacity);
    this.fees = new Float64Array(this.capacity);
    this.times = new Uint32Array(this.capacity);
    this.generations = new Uint32Array(this.capacity);
    this.firstEdge = new Int32Array(this.capacity).fill(NO_EDGE);
    this.table = new Int32Array(tableSizeFor(this.capacity)).fill(EMPTY);
    const edges = Math.max(16, this.capacity >> 2);
    this.edgeParent = new Int32Array(edges);
    this.edgeGen = new Uint32Array(edges);
    this.edgeNext = new Int32Array(edges);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the store's arrays (what `bytesPerTx` divides). */
  get allocatedBytes(): number {
    return (
      this.txids.byteLength +
      this.vsizes.byteLength +
      this.fees.byteLength +
      this.times.byteLength +
      this.generations.byteLength +
      this.firstEdge.byteLength +
      this.table.byteLength +
      this.edgeParent.byteLength +
      this.edgeGen.byteLength +
      this.edgeNext.byteLength +
      this.freeSlots.length * 8
    );
  }

  get bytesPerTx(): number {
    return this.count === 0 ? 0 : this.allocatedBytes / this.count;
  }

  has(txid: string): boolean {
    return this.find(txid) >= 0;
  }

  /** Adds entries, then links parents (so an unordered initial fill still gets its edges). */
  addEntries(entries: MempoolEntryInput[]): number {
    let added = 0;
    const slots: number[] = [];
    for (const entry of entries) {
      const slot = this.insert(entry);
      slots.push(slot);
      if (slot >= 0) added++;
    }
    entries.forEach((entry, i) => {
      const slot = slots[i]!;
      if (slot >= 0 && entry.depends && entry.depends.length > 0) this.link(slot, entry.depends);
    });
    return added;
  }

  /** Adds entries without linking their parents: a fill in parts links them all at the end. */
  addUnlinked(entries: MempoolEntryInput[]): number {
    let added = 0;
    for (const entry of entries) if (this.insert(entry) >= 0) added++;
    return added;
  }

  /** Links entries already in the store to their in-mempool parents (after a fill in several parts). */
  linkParents(entries: MempoolEntryInput[]): void {
    for (const entry of entries) {
      const slot = this.find(entry.txid);
      if (slot >= 0 && entry.depends && entry.depends.length > 0) this.link(slot, entry.depends);
    }
  }

  /**
   * Room for `more` transactions beyond those held, allocated at once: a fill of 1M would
   * otherwise double the arrays and rebuild the index ten times on the way.
   */
  reserve(more: number): void {
    const wanted = Math.min(this.maxTransactions, this.count + more);
    if (wanted > this.capacity) this.grow(wanted);
    if ((wanted + this.tombstones) * 2 > this.table.length) this.rehash(tableSizeFor(wanted + this.tombstones));
  }

  add(entry: MempoolEntryInput): boolean {
    return this.addEntries([entry]) === 1;
  }

  /**
   * Makes the store hold no transaction outside `txids` (the node's mempool) and returns those
   * of `txids` it does not hold yet: one hash probe per txid, no Set of 300k strings.
   */
  reconcile(txids: readonly string[]): { removed: number; missing: string[] } {
    // an empty store (the first fill) holds none of them: no lookups
    if (this.count === 0) return { removed: 0, missing: txids.slice() };
    const kept = new Uint8Array(this.highWater);
    const missing: string[] = [];
    for (const txid of txids) {
      const slot = this.find(txid);
      if (slot >= 0) kept[slot] = 1;
      else missing.push(txid);
    }
    const gone: string[] = [];
    for (let slot = 0; slot < kept.length; slot++)
      if (kept[slot] === 0 && this.vsizes[slot]! > 0) gone.push(bytesToHex(this.txids, slot * 32));
    for (const txid of gone) this.remove(txid);
    return { removed: gone.length, missing };
  }

  remove(txid: string): boolean {
    const at = this.findTableIndex(txid);
    if (at < 0) return false;
    const slot = this.table[at]!;
    this.table[at] = TOMBSTONE;
    this.tombstones++;
    this.vsizes[slot] = 0;
    this.fees[slot] = 0;
    this.generations[slot] = (this.generations[slot]! + 1) >>> 0;
    // give the slot's own parent edges back to the pool
    let edge = this.firstEdge[slot]!;
    while (edge !== NO_EDGE) {
      const next = this.edgeNext[edge]!;
      this.edgeNext[edge] = this.edgeFree;
      this.edgeFree = edge;
      edge = next;
    }
    this.firstEdge[slot] = NO_EDGE;
    this.freeSlots.push(slot);
    this.count--;
    if (this.tombstones > this.table.length >> 2) this.rehash(this.table.length);
    return true;
  }

  clear(): void {
    this.count = 0;
    this.highWater = 0;
    this.freeSlots = [];
    this.vsizes.fill(0);
    this.firstEdge.fill(NO_EDGE);
    this.table.fill(EMPTY);
    this.tombstones = 0;
    this.edgeFree = NO_EDGE;
    this.edgeHigh = 0;
  }

  txidList(): string[] {
    const out: string[] = [];
    for (let slot = 0; slot < this.highWater; slot++)
      if (this.vsizes[slot]! > 0) out.push(bytesToHex(this.txids, slot * 32));
    return out;
  }

  /** A read-only view for fee computations: live slots and their packed fields. */
  view(): MempoolView {
    // written straight into a typed array (a JS array of 1M numbers first took ~100 ms)
    const slots = new Int32Array(this.count);
    let n = 0;
    for (let slot = 0; slot < this.highWater; slot++) if (this.vsizes[slot]! > 0) slots[n++] = slot;
    return {
      slots: n === slots.length ? slots : slots.subarray(0, n),
      vsizes: this.vsizes,
      fees: this.fees,
      vsize: (slot) => this.vsizes[slot]!,
      fee: (slot) => this.fees[slot]!,
      time: (slot) => this.times[slot]!,
      txid: (slot) => bytesToHex(this.txids, slot * 32),
      parents: (slot) => {
        // most transactions have no parent: no array for each of them
        if (this.firstEdge[slot] === NO_EDGE) return NO_PARENTS;
        const out: number[] = [];
        for (let e = this.firstEdge[slot]!; e !== NO_EDGE; e = this.edgeNext[e]!) {
          const parent = this.edgeParent[e]!;
          if (this.vsizes[parent]! > 0 && this.generations[parent] === this.edgeGen[e]) out.push(parent);
        }
        return out;
      },
      parentLinks: () => this.parentLinks(),
      slotLimit: this.highWater,
    };
  }

  /** Every live child -> parent link, children ascending (one pass over the edge heads, no array per slot). */
  private parentLinks(): { child: Int32Array; parent: Int32Array } {
    let child: Int32Array = new Int32Array(1_024);
    let parent: Int32Array = new Int32Array(1_024);
    let m = 0;
    const { firstEdge, edgeNext, edgeParent, edgeGen, generations, vsizes } = this;
    for (let slot = 0; slot < this.highWater; slot++) {
      if (firstEdge[slot] === NO_EDGE || vsizes[slot] === 0) continue;
      for (let e = firstEdge[slot]!; e !== NO_EDGE; e = edgeNext[e]!) {
        const p = edgeParent[e]!;
        if (vsizes[p] === 0 || generations[p] !== edgeGen[e]) continue;
        if (m === child.length) {
          child = grownCopy(child);
          parent = grownCopy(parent);
        }
        child[m] = slot;
        parent[m++] = p;
      }
    }
    return { child: child.subarray(0, m), parent: parent.subarray(0, m) };
  }

  // ---- internals ----

  private insert(entry: MempoolEntryInput): number {
    if (!hexInto(entry.txid, this.scratch, 0)) return -1;
    if (this.findScratch() >= 0) return -1;
    if (this.count >= this.maxTransactions) {
      this.refused++;
      return -1;
    }
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      if (this.highWater >= this.capacity) this.grow();
      slot = this.highWater++;
    }
    this.txids.set(this.scratch, slot * 32);
    // a transaction always has vsize >= 1; 0 marks a free slot
    this.vsizes[slot] = Math.max(1, Math.round(entry.vsize));
    this.fees[slot] = entry.fee;
    this.times[slot] = entry.time >>> 0;
    this.firstEdge[slot] = NO_EDGE;
    this.count++;
    if ((this.count + this.tombstones) * 2 > this.table.length) this.rehash(this.table.length * 2);
    this.tableInsert(slot);
    return slot;
  }

  private link(slot: number, depends: string[]): void {
    for (const parentTxid of depends) {
      const parent = this.find(parentTxid);
      if (parent < 0) continue;
      let edge = this.edgeFree;
      if (edge !== NO_EDGE) this.edgeFree = this.edgeNext[edge]!;
      else {
        if (this.edgeHigh >= this.edgeParent.length) this.growEdges();
        edge = this.edgeHigh++;
      }
      this.edgeParent[edge] = parent;
      this.edgeGen[edge] = this.generations[parent]!;
      this.edgeNext[edge] = this.firstEdge[slot]!;
      this.firstEdge[slot] = edge;
    }
  }

  private hashAt(bytes: Uint8Array, offset: number): number {
    // txids are hash outputs: four of their bytes are already uniformly spread
    return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
  }

  private find(txid: string): number {
    const at = this.findTableIndex(txid);
    return at < 0 ? -1 : this.table[at]!;
  }

  private findTableIndex(txid: string): number {
    if (!hexInto(txid, this.scratch, 0)) return -1;
    return this.findScratchIndex();
  }

  private findScratch(): number {
    const at = this.findScratchIndex();
    return at < 0 ? -1 : this.table[at]!;
  }

  private findScratchIndex(): number {
    const mask = this.table.length - 1;
    let i = this.hashAt(this.scratch, 0) & mask;
    for (;;) {
      const slot = this.table[i]!;
      if (slot === EMPTY) return -1;
      if (slot >= 0 && this.sameTxid(slot)) return i;
      i = (i + 1) & mask;
    }
  }

  private sameTxid(slot: number): boolean {
    const base = slot * 32;
    for (let k = 0; k < 32; k++) if (this.txids[base + k] !== this.scratch[k]) return false;
    return true;
  }

  private tableInsert(slot: number): void {
    const mask = this.table.length - 1;
    let i = this.hashAt(this.txids, slot * 32) & mask;
    while (this.table[i]! >= 0) i = (i + 1) & mask;
    if (this.table[i] === TOMBSTONE) this.tombstones--;
    this.table[i] = slot;
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size).fill(EMPTY);
    this.tombstones = 0;
    for (let slot = 0; slot < this.highWater; slot++) if (this.vsizes[slot]! > 0) this.tableInsert(slot);
  }

  private grow(atLeast = 0): void {
    const capacity = Math.max(atLeast, Math.min(this.maxTransactions + 1, this.capacity * 2));
    const widen = <T extends Uint8Array | Uint32Array | Float64Array | Int32Array>(
      old: T,
      make: (n: number) => T,
      per = 1
    ): T => {
      const next = make(capacity * per);
      next.set(old);
      return next;
    };
    this.txids = widen(this.txids, (n) => new Uint8Array(n), 32);
    this.vsizes = widen(this.vsizes, (n) => new Uint32Array(n));
    this.fees = widen(this.fees, (n) => new Float64Array(n));
    this.times = widen(this.times, (n) => new Uint32Array(n));
    this.generations = widen(this.generations, (n) => new Uint32Array(n));
    const firstEdge = new Int32Array(capacity).fill(NO_EDGE);
    firstEdge.set(this.firstEdge);
    this.firstEdge = firstEdge;
    this.capacity = capacity;
  }

  private growEdges(): void {
    const size = this.edgeParent.length * 2;
    const parent = new Int32Array(size);
    parent.set(this.edgeParent);
    const gen = new Uint32Array(size);
    gen.set(this.edgeGen);
    const next = new Int32Array(size);
    next.set(this.edgeNext);
    this.edgeParent = parent;
    this.edgeGen = gen;
    this.edgeNext = next;
  }
}

function grownCopy(a: Int32Array): Int32Array {
  const next = new Int32Array(a.length * 2);
  next.set(a);
  return next;
}

function tableSizeFor(capacity: number): number {
  let size = 16;
  while (size < capacity * 2) size *= 2;
  return size;
}

/** the parents of a transaction without any (shared: callers must not change it) */
const NO_PARENTS: number[] = Object.freeze([]) as unknown as number[];

export interface MempoolView {
  slots: Int32Array;
  /** the store's own arrays by slot, for loops over every transaction (read only; valid until the next change) */
  vsizes: Uint32Array;
  fees: Float64Array;
  vsize(slot: number): number;
  fee(slot: number): number;
  time(slot: number): number;
  txid(slot: number): string;
  parents(slot: number): number[];
  /** all live parent links at once: child[k] spends parent[k] (what parents() gives, for every slot) */
  parentLinks(): { child: Int32Array; parent: Int32Array };
  /** slots are below this */
  slotLimit: number;
}
