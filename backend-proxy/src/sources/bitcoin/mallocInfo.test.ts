import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { mallocHeldBytes, mallocInUseBytes, parseMallocInfo } from './mallocInfo.js';

// malloc_info(0, stdout) of a Python process on Debian bookworm's libc6 2.36-9+deb12u14 (the
// <sizes> list shortened): one arena, then the totals over all arenas
const CAPTURE = `<malloc version="1">
<heap nr="0">
<sizes>
  <size from="33" to="33" total="132" count="4"/>
  <unsorted from="2193" to="2193" total="2193" count="1"/>
</sizes>
<total type="fast" count="0" size="0"/>
<total type="rest" count="71" size="72262"/>
<system type="current" size="1638400"/>
<system type="max" size="1638400"/>
<aspace type="total" size="1638400"/>
<aspace type="mprotect" size="1638400"/>
</heap>
<total type="fast" count="0" size="0"/>
<total type="rest" count="71" size="72262"/>
<total type="mmap" count="3" size="610304"/>
<system type="current" size="1638400"/>
<system type="max" size="1638400"/>
<aspace type="total" size="1638400"/>
<aspace type="mprotect" size="1638400"/>
</malloc>
`;

describe('parseMallocInfo (glibc malloc_info XML, as getmemoryinfo "mallocinfo" returns it)', () => {
  it('reads the totals after the arenas: held 1 638 400 + 610 304, in use minus the 72 262 free', () => {
    const t = parseMallocInfo(CAPTURE)!;
    expect(t).toEqual({ arenaBytes: 1_638_400, freeBytes: 72_262, mmapBytes: 610_304 });
    expect(mallocHeldBytes(t)).toBe(2_248_704);
    expect(mallocInUseBytes(t)).toBe(2_176_442);
  });

  it("the real glibc of this machine with several arenas: the totals are the arenas' sums, not the last arena's", () => {
    // threads allocating at once make glibc open more arenas (one per contending thread, up to 8 × cores)
    const script = `
import ctypes, os, threading
libc = ctypes.CDLL('libc.so.6')
libc.malloc.restype = ctypes.c_void_p
libc.fdopen.restype = ctypes.c_void_p
barrier = threading.Barrier(6)
kept = []
def work():
    barrier.wait()
    for _ in range(2000):
        kept.append(libc.malloc(512))
threads = [threading.Thread(target=work) for _ in range(6)]
[t.start() for t in threads]
[t.join() for t in threads]
big = libc.malloc(4 << 20)  # above the mmap threshold: a chunk of its own
f = libc.fdopen(os.dup(1), b'w')
libc.malloc_info(0, ctypes.c_void_p(f))
libc.fflush(ctypes.c_void_p(f))
`;
    const xml = execFileSync('python3', ['-c', script], { encoding: 'utf8' });
    const heaps = [...xml.matchAll(/<heap nr="\d+">([\s\S]*?)<\/heap>/g)].map((m) => m[1]!);
    expect(heaps.length).toBeGreaterThan(1);
    const inHeap = (heap: string, re: RegExp) => Number(re.exec(heap)![1]);
    const sum = (re: RegExp) => heaps.reduce((a, h) => a + inHeap(h, re), 0);
    const t = parseMallocInfo(xml)!;
    expect(t.arenaBytes).toBe(sum(/<system type="current" size="(\d+)"\/>/));
    expect(t.freeBytes).toBe(
      sum(/<total type="fast" count="\d+" size="(\d+)"\/>/) + sum(/<total type="rest" count="\d+" size="(\d+)"\/>/)
    );
    // the 4 MiB chunk is mapped on its own (glibc's default mmap threshold is 128 KiB)
    expect(t.mmapBytes).toBeGreaterThanOrEqual(4 << 20);
  });

  it('anything else is no reading', () => {
    expect(parseMallocInfo('')).toBeNull();
    expect(parseMallocInfo('{"locked":{}}')).toBeNull();
    expect(parseMallocInfo('<malloc version="1">\n</malloc>\n')).toBeNull();
  });
});
