/**
 * Packing parameter codes into u32 words.
 *
 * Each parameter takes as few bits as its option count needs, at a fixed
 * offset. Parameters are grouped into *units*: runs of adjacent bits inside one
 * word, at most `unitBits` wide. Kernels count one key per unit (or per pair of
 * units) instead of one per parameter (or pair of parameters), then
 * marginalize the small unit tables into per-parameter counts; with the 12
 * parameters of the synthetic sweep in 4 units that is 6 pair increments a row
 * instead of 66.
 */

export interface ParamSlot {
  /** Word of the row that holds the code. */
  readonly word: number;
  /** Bit offset of the code in that word. */
  readonly shift: number;
  readonly bits: number;
  readonly unit: number;
  /** Bit offset of the code inside its unit's key. */
  readonly unitShift: number;
}

export interface Unit {
  readonly word: number;
  readonly shift: number;
  readonly bits: number;
  /** Parameter indices, in bit order. */
  readonly params: readonly number[];
}

export interface PackLayout {
  /** u32 words per row. */
  readonly words: number;
  readonly slots: readonly ParamSlot[];
  readonly units: readonly Unit[];
}

/** Default unit width: a pair of units is a 2^17-entry table of (unselected, selected) counts, which stays in L2; measured faster than 6 or 12 bits on the 12-parameter synthetic sweep. */
export const DEFAULT_UNIT_BITS = 8;

export function bitsFor(options: number): number {
  return options <= 1 ? 0 : 32 - Math.clz32(options - 1);
}

/** Lays out parameters with the given option counts: first-fit decreasing into units, then units into words. */
export function makeLayout(cardinalities: readonly number[], unitBits = DEFAULT_UNIT_BITS): PackLayout {
  const bits = cardinalities.map(bitsFor);
  const order = bits.map((_, i) => i).sort((a, b) => bits[b] - bits[a] || a - b);
  const unitParams: number[][] = [];
  const unitWidth: number[] = [];
  for (const p of order) {
    const cap = Math.max(unitBits, bits[p]);
    let u = unitWidth.findIndex((w) => w + bits[p] <= cap);
    if (u < 0) {
      u = unitWidth.length;
      unitParams.push([]);
      unitWidth.push(0);
    }
    unitParams[u].push(p);
    unitWidth[u] += bits[p];
  }
  const wordFill: number[] = [];
  const units: Unit[] = [];
  const slots: ParamSlot[] = new Array(cardinalities.length);
  unitParams.forEach((params, u) => {
    let word = wordFill.findIndex((f) => f + unitWidth[u] <= 32);
    if (word < 0) {
      word = wordFill.length;
      wordFill.push(0);
    }
    const shift = wordFill[word];
    wordFill[word] += unitWidth[u];
    let inner = 0;
    for (const p of params) {
      slots[p] = { word, shift: shift + inner, bits: bits[p], unit: u, unitShift: inner };
      inner += bits[p];
    }
    units.push({ word, shift, bits: unitWidth[u], params });
  });
  return { words: Math.max(1, wordFill.length), slots, units };
}

/** Packs rows [start, end) of the code columns into `out` (words per row interleaved). */
export function packCodes(
  layout: PackLayout,
  codes: readonly Uint8Array[],
  out: Uint32Array,
  start = 0,
  end = codes.length ? codes[0].length : 0,
): void {
  const W = layout.words;
  out.fill(0, start * W, end * W);
  layout.slots.forEach((slot, p) => {
    if (slot.bits === 0) return;
    const col = codes[p];
    const { word, shift } = slot;
    for (let i = start; i < end; i++) out[i * W + word] |= col[i] << shift;
  });
}

/** The code of parameter `p` in a packed row. */
export function unpackCode(layout: PackLayout, packed: Uint32Array, row: number, p: number): number {
  const s = layout.slots[p];
  return s.bits === 0 ? 0 : (packed[row * layout.words + s.word] >>> s.shift) & ((1 << s.bits) - 1);
}
