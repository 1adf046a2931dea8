// Counts one table of a query over one chunk of rows: the histogram (with the
// missing / baseline / selected totals), one unit-pair table, or one trellis
// table. The host dispatches this once per table and chunk (src/engine/gpu).
//
// Constraints and reasons:
// - Float decisions never round here: bins and brush compare the ordered
//   integer of the metric's f32 bits with thresholds the host computed exactly
//   (src/engine/plan.ts), so counts equal the CPU engine's bit for bit.
// - Non-finite metric bits (NaN marks a missing value) are tested on the bits,
//   not with float comparisons, which implementations may assume away.
// - Counters live in workgroup memory and are flushed once per workgroup with
//   global atomics; the default maxComputeWorkgroupStorageSize is 16 KiB, so a
//   table of more than LOCAL_SIZE counters counts straight into global memory.
// - WGSL has no float atomics: trellis sums are fixed point, accumulated in 64
//   bits as (lo, hi) u32 words with a carry. Normalized: the shown value x in
//   [0, 1] times 2^31. Raw: v times a power of two 2^k (exact) plus 2^30, with
//   |v| 2^k < 2^30. Either way each row's error is one rounding, which does not
//   grow with the row count.

// Set by the host from COUNT_CONSTANTS (src/engine/gpu/count-layout.ts) when the
// pipeline is created; no defaults, so one the host does not set fails there.
override WG: u32;              // invocations per workgroup
override LOCAL_SIZE: u32;      // counters in workgroup memory (16 KiB by default)
override KIND_HIST: u32;       // task.kind
override KIND_PAIR: u32;
override KIND_TRELLIS: u32;
override HIST_TOTALS: u32;     // a histogram table ends with HIST_TOTALS totals,
override HIST_MISSING: u32;    // at tableSize - HIST_TOTALS + HIST_*
override HIST_BASELINE: u32;
override HIST_SELECTED: u32;
override TRELLIS_PLANES: u32;  // a trellis table is TRELLIS_PLANES planes of
override TRELLIS_COUNT: u32;   // tableSize / TRELLIS_PLANES counters; the sums'
override TRELLIS_SUM_LO: u32;  // high words are the plane after the low words
override TRELLIS_SUM_HI: u32;

// ---- records: generated from src/engine/gpu/count-layout.ts (countRecordsWgsl), checked by a test; do not edit
struct Task {
  kind: u32, rows: u32, words: u32, tableSize: u32,
  outOffset: u32, useLocal: u32, countOnly: i32, nFilters: u32,
  aWord: u32, aShift: u32, aMask: u32, aBits: u32,
  bWord: u32, bShift: u32, bMask: u32, hasB: u32,
  bins: u32, gWord: u32, gShift: u32, gMask: u32,
  pWord: u32, pShift: u32, pMask: u32, hasP: u32,
  sWord: u32, sShift: u32, sMask: u32, hasS: u32,
  nS: u32, cells: u32, thrOffset: u32, groupOffset: u32,
  filterOffset: u32, allowOffset: u32, rawSums: u32, pad1: u32,
}

struct GroupRecord {
  brushLo: i32, brushHi: i32, guessOrigin: f32, guessScale: f32,
  sumOrigin: f32, sumScale: f32,
}
const GROUP_RECORD_WORDS: u32 = 6u;
fn loadGroupRecord(at: u32) -> GroupRecord {
  return GroupRecord(
    bitcast<i32>(plan[at]),
    bitcast<i32>(plan[at + 1u]),
    bitcast<f32>(plan[at + 2u]),
    bitcast<f32>(plan[at + 3u]),
    bitcast<f32>(plan[at + 4u]),
    bitcast<f32>(plan[at + 5u]),
  );
}

struct FilterRecord {
  word: u32, shift: u32, mask: u32, allowOffset: u32,
}
const FILTER_RECORD_WORDS: u32 = 4u;
fn loadFilterRecord(at: u32) -> FilterRecord {
  return FilterRecord(
    plan[at],
    plan[at + 1u],
    plan[at + 2u],
    plan[at + 3u],
  );
}
// ---- end of records

@group(0) @binding(0) var<storage, read> codes: array<u32>;
@group(0) @binding(1) var<storage, read> metric: array<u32>;
@group(0) @binding(2) var<storage, read> plan: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<atomic<u32>>;
@group(0) @binding(4) var<uniform> task: Task;

var<workgroup> local: array<atomic<u32>, LOCAL_SIZE>;

// Consecutive f32 values map to consecutive integers; -0 and +0 to 0.
fn ordered(bits: u32) -> i32 {
  if ((bits & 0x80000000u) != 0u) {
    return -i32(bits & 0x7fffffffu);
  }
  return i32(bits);
}

fn bump(idx: u32, by: u32) {
  if (task.useLocal == 1u) {
    atomicAdd(&local[idx], by);
  } else {
    atomicAdd(&out[task.outOffset + idx], by);
  }
}

// Adds q to the 64-bit counter whose low word is at idx and high word at idx + stride.
fn bump64(idx: u32, stride: u32, q: u32) {
  if (task.useLocal == 1u) {
    let old = atomicAdd(&local[idx], q);
    if (old + q < old) {
      atomicAdd(&local[idx + stride], 1u);
    }
  } else {
    let old = atomicAdd(&out[task.outOffset + idx], q);
    if (old + q < old) {
      atomicAdd(&out[task.outOffset + idx + stride], 1u);
    }
  }
}

fn field(base: u32, word: u32, shift: u32, mask: u32) -> u32 {
  return (codes[base + word] >> shift) & mask;
}

// The histogram table's total number k (HIST_MISSING, HIST_BASELINE, HIST_SELECTED).
fn histTotal(k: u32) -> u32 {
  return task.tableSize - HIST_TOTALS + k;
}

fn countRow(i: u32) {
  let vb = metric[i];
  if ((vb & 0x7f800000u) == 0x7f800000u) {
    if (task.kind == KIND_HIST) {
      bump(histTotal(HIST_MISSING), 1u);
    }
    return;
  }
  let base = i * task.words;
  for (var f = 0u; f < task.nFilters; f++) {
    let fr = loadFilterRecord(task.filterOffset + f * FILTER_RECORD_WORDS);
    let key = field(base, fr.word, fr.shift, fr.mask);
    if (plan[task.allowOffset + fr.allowOffset + key] == 0u) {
      return;
    }
  }
  let grp = field(base, task.gWord, task.gShift, task.gMask);
  let gr = loadGroupRecord(task.groupOffset + grp * GROUP_RECORD_WORDS);
  let v = ordered(vb);
  let s = select(0u, 1u, v >= gr.brushLo && v <= gr.brushHi);

  if (task.kind == KIND_HIST) {
    let t0 = task.thrOffset + grp * (task.bins + 1u);
    let last = i32(task.bins) - 1;
    let guess = (bitcast<f32>(vb) - gr.guessOrigin) * gr.guessScale;
    var b = clamp(i32(floor(guess)), 0, last);
    loop {
      if (b > 0 && v < bitcast<i32>(plan[t0 + u32(b)])) { b -= 1; } else { break; }
    }
    loop {
      if (b < last && v >= bitcast<i32>(plan[t0 + u32(b) + 1u])) { b += 1; } else { break; }
    }
    bump(((grp * task.bins + u32(b)) << 1u) | s, 1u);
    bump(histTotal(HIST_BASELINE), 1u);
    bump(histTotal(HIST_SELECTED), s);
    return;
  }

  var key = field(base, task.aWord, task.aShift, task.aMask);
  if (task.kind == KIND_PAIR) {
    if (task.countOnly >= 0 && i32(s) != task.countOnly) {
      return;
    }
    if (task.hasB == 1u) {
      key |= field(base, task.bWord, task.bShift, task.bMask) << task.aBits;
    }
    bump((key << 1u) | s, 1u);
    return;
  }

  // trellis: planes of tableSize / TRELLIS_PLANES counters (counts, sums' low words, sums' high words)
  var cell = 0u;
  if (task.hasP == 1u) {
    cell = field(base, task.pWord, task.pShift, task.pMask) * task.nS;
  }
  if (task.hasS == 1u) {
    cell += field(base, task.sWord, task.sShift, task.sMask);
  }
  let plane = task.tableSize / TRELLIS_PLANES;
  let idx = key * task.cells + cell;
  bump(TRELLIS_COUNT * plane + idx, 1u);
  let vf = bitcast<f32>(vb);
  var q: u32;
  if (task.rawSums == 1u) {
    q = u32(i32(round(vf * gr.sumScale)) + 0x40000000);
  } else {
    let x = clamp((vf - gr.sumOrigin) * gr.sumScale, 0.0, 1.0);
    q = u32(x * 2147483648.0 + 0.5);
  }
  bump64(TRELLIS_SUM_LO * plane + idx, (TRELLIS_SUM_HI - TRELLIS_SUM_LO) * plane, q);
}

@compute @workgroup_size(WG)
fn main(
  @builtin(local_invocation_index) li: u32,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let useLocal = task.useLocal == 1u;
  if (useLocal) {
    for (var k = li; k < task.tableSize; k += WG) {
      atomicStore(&local[k], 0u);
    }
  }
  workgroupBarrier();
  let stride = nwg.x * WG;
  for (var i = wid.x * WG + li; i < task.rows; i += stride) {
    countRow(i);
  }
  workgroupBarrier();
  if (!useLocal) {
    return;
  }
  // a carry out of a trellis sum's low word goes to its high word
  let trellis = task.kind == KIND_TRELLIS;
  let plane = task.tableSize / TRELLIS_PLANES;
  let lo0 = TRELLIS_SUM_LO * plane;
  let carry = (TRELLIS_SUM_HI - TRELLIS_SUM_LO) * plane;
  for (var k = li; k < task.tableSize; k += WG) {
    let c = atomicLoad(&local[k]);
    if (c == 0u) {
      continue;
    }
    let old = atomicAdd(&out[task.outOffset + k], c);
    if (trellis && k >= lo0 && k < lo0 + plane && old + c < old) {
      atomicAdd(&out[task.outOffset + k + carry], 1u);
    }
  }
}
