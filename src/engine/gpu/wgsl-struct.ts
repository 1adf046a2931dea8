/**
 * One description of a WGSL struct of 4-byte scalars, from which come both the
 * host's writer (field offsets, signedness, float bits) and the struct's WGSL
 * text: the declaration and, for records kept in a `array<u32>` storage
 * buffer, a loader function. No offset is counted by hand on either side.
 *
 * Only 4-byte scalars: their offset is 4 x the field's index, in a uniform
 * block as in a storage array, so the layout needs no padding rules.
 */

export type WgslScalar = 'u32' | 'i32' | 'f32';

export interface WgslStruct<F extends string> {
  /** The struct's WGSL name, e.g. `GroupRecord`. */
  readonly name: string;
  /** Fields in declaration order. */
  readonly fields: readonly (readonly [F, WgslScalar])[];
}

/** Field values by name; a writer takes every field or, for `writeStruct`, leaves absent ones 0. */
export type StructValues<F extends string> = Record<F, number>;

export function wgslStruct<const F extends string>(name: string, fields: readonly (readonly [F, WgslScalar])[]): WgslStruct<F> {
  const seen = new Set<string>();
  for (const [f] of fields) {
    if (seen.has(f)) throw new Error(`struct ${name}: field ${f} twice`);
    seen.add(f);
  }
  return { name, fields };
}

/** Bytes of one struct. */
export function structBytes(s: WgslStruct<string>): number {
  return s.fields.length * 4;
}

const f32Scratch = new Float32Array(1);
const f32Bits = new Uint32Array(f32Scratch.buffer);

/** The u32 bits the shader reads for value `v` of a field of type `type`. */
export function scalarBits(type: WgslScalar, v: number): number {
  if (type === 'f32') {
    f32Scratch[0] = v;
    return f32Bits[0];
  }
  return (type === 'i32' ? v | 0 : v) >>> 0;
}

/** Writes a struct into `view` at byte offset `at` (little-endian, as WebGPU buffers are); absent fields are 0. */
export function writeStruct<F extends string>(view: DataView, at: number, s: WgslStruct<F>, values: Partial<StructValues<F>>): void {
  s.fields.forEach(([name, type], i) => view.setUint32(at + i * 4, scalarBits(type, values[name] ?? 0), true));
}

/** Appends a struct to a `array<u32>` image, to be read back with the loader from `wgslStructSource`. */
export function appendStruct<F extends string>(w: U32Writer, s: WgslStruct<F>, values: StructValues<F>): void {
  for (const [name, type] of s.fields) w.u32(scalarBits(type, values[name]));
}

/** SNAKE_CASE of a struct's name: `GroupRecord` → `GROUP_RECORD`. */
function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The WGSL name of the constant that holds a struct's word count, e.g. `GROUP_RECORD_WORDS`. */
export function wordsConstName(s: WgslStruct<string>): string {
  return `${snake(s.name)}_WORDS`;
}

/** The WGSL name of a struct's loader, e.g. `loadGroupRecord`. */
export function loaderName(s: WgslStruct<string>): string {
  return `load${s.name}`;
}

/**
 * WGSL text of a struct: its declaration (four fields a line) and, when
 * `loadFrom` names a `array<u32>` binding, the word count constant and a
 * loader `fn loadName(at: u32) -> Name` reading the struct at word `at`.
 */
export function wgslStructSource(s: WgslStruct<string>, loadFrom?: string): string {
  const lines: string[] = [];
  for (let i = 0; i < s.fields.length; i += 4)
    lines.push(`  ${s.fields.slice(i, i + 4).map(([f, t]) => `${f}: ${t},`).join(' ')}`);
  let out = `struct ${s.name} {\n${lines.join('\n')}\n}\n`;
  if (loadFrom === undefined) return out;
  const read = (i: number, t: WgslScalar): string => {
    const word = `${loadFrom}[${i === 0 ? 'at' : `at + ${i}u`}]`;
    return t === 'u32' ? word : `bitcast<${t}>(${word})`;
  };
  out += `const ${wordsConstName(s)}: u32 = ${s.fields.length}u;\n`;
  out += `fn ${loaderName(s)}(at: u32) -> ${s.name} {\n  return ${s.name}(\n`;
  out += s.fields.map(([, t], i) => `    ${read(i, t)},\n`).join('');
  out += '  );\n}\n';
  return out;
}

/** A growable u32 array with typed appends: the contents of a `array<u32>` storage buffer. */
export class U32Writer {
  private data = new Uint32Array(256);
  length = 0;

  private grow(n: number): void {
    if (this.length + n <= this.data.length) return;
    let size = this.data.length;
    while (size < this.length + n) size *= 2;
    const next = new Uint32Array(size);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  u32(x: number): this {
    this.grow(1);
    this.data[this.length++] = x >>> 0;
    return this;
  }

  i32(x: number): this {
    return this.u32(scalarBits('i32', x));
  }

  f32(x: number): this {
    return this.u32(scalarBits('f32', x));
  }

  bytes(): Uint32Array {
    // storage bindings need a non-zero size that is a multiple of 4 bytes
    return this.data.subarray(0, Math.max(1, this.length));
  }
}
