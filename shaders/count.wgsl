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

const WG: u32 = 256u;
const LOCAL_SIZE: u32 = 4096u;
const KIND_HIST: u32 = 0u;
const KIND_PAIR: u32 = 1u;

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

fn countRow(i: u32) {
  let vb = metric[i];
  if ((vb & 0x7f800000u) == 0x7f800000u) {
    if (task.kind == KIND_HIST) {
      bump(task.tableSize - 3u, 1u);
    }
    return;
  }
  let base = i * task.words;
  for (var f = 0u; f < task.nFilters; f++) {
    let fo = task.filterOffset + f * 4u;
    let key = field(base, plan[fo], plan[fo + 1u], plan[fo + 2u]);
    if (plan[task.allowOffset + plan[fo + 3u] + key] == 0u) {
      return;
    }
  }
  let grp = field(base, task.gWord, task.gShift, task.gMask);
  let go = task.groupOffset + grp * 6u;
  let v = ordered(vb);
  let s = select(0u, 1u, v >= bitcast<i32>(plan[go]) && v <= bitcast<i32>(plan[go + 1u]));

  if (task.kind == KIND_HIST) {
    let t0 = task.thrOffset + grp * (task.bins + 1u);
    let last = i32(task.bins) - 1;
    let guess = (bitcast<f32>(vb) - bitcast<f32>(plan[go + 2u])) * bitcast<f32>(plan[go + 3u]);
    var b = clamp(i32(floor(guess)), 0, last);
    loop {
      if (b > 0 && v < bitcast<i32>(plan[t0 + u32(b)])) { b -= 1; } else { break; }
    }
    loop {
      if (b < last && v >= bitcast<i32>(plan[t0 + u32(b) + 1u])) { b += 1; } else { break; }
    }
    bump(((grp * task.bins + u32(b)) << 1u) | s, 1u);
    bump(task.tableSize - 2u, 1u);
    bump(task.tableSize - 1u, s);
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

  // trellis: [counts | sum low words | sum high words], each tableSize / 3
  var cell = 0u;
  if (task.hasP == 1u) {
    cell = field(base, task.pWord, task.pShift, task.pMask) * task.nS;
  }
  if (task.hasS == 1u) {
    cell += field(base, task.sWord, task.sShift, task.sMask);
  }
  let size = task.tableSize / 3u;
  let idx = key * task.cells + cell;
  bump(idx, 1u);
  let vf = bitcast<f32>(vb);
  var q: u32;
  if (task.rawSums == 1u) {
    q = u32(i32(round(vf * bitcast<f32>(plan[go + 5u]))) + 0x40000000);
  } else {
    let x = clamp((vf - bitcast<f32>(plan[go + 4u])) * bitcast<f32>(plan[go + 5u]), 0.0, 1.0);
    q = u32(x * 2147483648.0 + 0.5);
  }
  bump64(size + idx, size, q);
}

@compute @workgroup_size(256)
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
  let trellis = task.kind != KIND_HIST && task.kind != KIND_PAIR;
  let size = task.tableSize / 3u;
  for (var k = li; k < task.tableSize; k += WG) {
    let c = atomicLoad(&local[k]);
    if (c == 0u) {
      continue;
    }
    let old = atomicAdd(&out[task.outOffset + k], c);
    if (trellis && k >= size && k < 2u * size && old + c < old) {
      atomicAdd(&out[task.outOffset + k + size], 1u);
    }
  }
}
