// bitcoind's own memory, from `getmemoryinfo mallocinfo`: glibc's malloc_info(3) XML, one <heap>
// per arena, then the totals over all arenas (fast and rest: free chunks; mmap: chunks mapped on
// their own; system current: what the arenas hold from the kernel). Core answers RPC_INVALID_PARAMETER
// "mallocinfo mode not available" when it was not built with glibc: then there is nothing to read.

export interface MallocTotals {
  /** bytes the arenas hold from the kernel now (top-level <system type="current">) */
  arenaBytes: number;
  /** bytes of free chunks inside the arenas (top-level <total type="fast"> + <total type="rest">) */
  freeBytes: number;
  /** bytes of chunks mmap()ed on their own (top-level <total type="mmap">) */
  mmapBytes: number;
}

/** The totals after the last </heap>; null when the text is not malloc_info's. */
export function parseMallocInfo(xml: string): MallocTotals | null {
  if (!/^\s*<malloc version="\d+">/.test(xml)) return null;
  const end = xml.lastIndexOf('</heap>');
  const tail = end >= 0 ? xml.slice(end) : xml;
  const size = (tag: 'total' | 'system', type: string): number | null => {
    const m = new RegExp(`<${tag} type="${type}"(?: count="\\d+")? size="(\\d+)"/>`).exec(tail);
    return m ? Number(m[1]) : null;
  };
  const arena = size('system', 'current');
  const fast = size('total', 'fast');
  const rest = size('total', 'rest');
  const mmap = size('total', 'mmap');
  if (arena === null || fast === null || rest === null || mmap === null) return null;
  return { arenaBytes: arena, freeBytes: fast + rest, mmapBytes: mmap };
}

/** What malloc holds from the kernel: the arenas plus the separately mapped chunks. */
export const mallocHeldBytes = (t: MallocTotals) => t.arenaBytes + t.mmapBytes;
/** What bitcoind has allocated and not freed: held minus the arenas' free chunks. */
export const mallocInUseBytes = (t: MallocTotals) => t.arenaBytes - t.freeBytes + t.mmapBytes;
