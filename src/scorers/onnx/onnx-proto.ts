// Just enough of the protobuf wire format to read and rewrite an ONNX model's top-level graph
// without a generated schema: fields are located by number and copied as bytes, so everything this
// module does not touch (weights, metadata, functions) passes through unchanged. Field numbers are
// those of onnx.proto.

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

export interface Field {
  field: number;
  wire: number;
  /** Offsets into the parsed buffer: the whole field (key included), and its value or payload. */
  start: number;
  end: number;
  valueStart: number;
  /** The value of a varint field. */
  varint?: number;
}

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const byte = buf[pos++];
    value += (byte & 0x7f) * scale;
    if (!(byte & 0x80)) return [value, pos];
    scale *= 128;
    if (scale > 2 ** 70) throw new Error('varint too long');
  }
}

/** The fields of one message, in order. Throws on malformed input. */
export function readFields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const [key, afterKey] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    pos = afterKey;
    if (field === 0) throw new Error(`field number 0 at byte ${start}`);
    if (wire === WIRE.varint) {
      const [v, next] = readVarint(buf, pos);
      out.push({ field, wire, start, end: next, valueStart: pos, varint: v });
      pos = next;
    } else if (wire === WIRE.bytes) {
      const [len, next] = readVarint(buf, pos);
      if (next + len > buf.length) throw new Error(`field ${field} at byte ${start} runs past the end`);
      out.push({ field, wire, start, end: next + len, valueStart: next });
      pos = next + len;
    } else if (wire === WIRE.fixed64 || wire === WIRE.fixed32) {
      const size = wire === WIRE.fixed64 ? 8 : 4;
      if (pos + size > buf.length) throw new Error(`field ${field} at byte ${start} runs past the end`);
      out.push({ field, wire, start, end: pos + size, valueStart: pos });
      pos += size;
    } else {
      throw new Error(`unsupported wire type ${wire} at byte ${start}`);
    }
  }
  return out;
}

export const payload = (buf: Uint8Array, f: Field): Uint8Array => buf.subarray(f.valueStart, f.end);
export const text = (buf: Uint8Array, f: Field): string => new TextDecoder().decode(payload(buf, f));

// --- writing ---

/** Negative numbers as int64 fields carry them: two's complement, ten bytes. */
function varint(n: number): number[] {
  if (!Number.isSafeInteger(n)) throw new Error(`cannot encode ${n} as a varint`);
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(n));
  while (v >= 128n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export type Bytes = Uint8Array;

export const concat = (parts: Bytes[]): Bytes => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
export const intField = (field: number, n: number): Bytes => Uint8Array.from([...varint(field * 8 + WIRE.varint), ...varint(n)]);
export const bytesField = (field: number, body: Bytes): Bytes => concat([Uint8Array.from([...varint(field * 8 + WIRE.bytes), ...varint(body.length)]), body]);
export const messageField = (field: number, parts: Bytes[]): Bytes => bytesField(field, concat(parts));
export const stringField = (field: number, s: string): Bytes => bytesField(field, new TextEncoder().encode(s));

// --- ONNX messages (a subset, enough for rewriting nodes and for building test and benchmark graphs) ---

export const ELEM = { float: 1, int32: 6, int64: 7, bool: 9 } as const;

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  /** Integer attributes: single ints or lists. */
  ints?: Record<string, number | number[]>;
}

const ATTR_INT = 2;
const ATTR_INTS = 7;

export function encodeNode(n: NodeSpec): Bytes {
  const attrs = Object.entries(n.ints ?? {}).map(([name, v]) =>
    messageField(5, [
      stringField(1, name),
      ...(Array.isArray(v) ? [...v.map((i) => intField(8, i)), intField(20, ATTR_INTS)] : [intField(3, v), intField(20, ATTR_INT)]),
    ]),
  );
  return concat([...n.inputs.map((i) => stringField(1, i)), ...n.outputs.map((o) => stringField(2, o)), ...(n.name ? [stringField(3, n.name)] : []), stringField(4, n.op), ...attrs]);
}

export function encodeValueInfo(name: string, elem: number, dims: Array<number | string>): Bytes {
  const shape = dims.map((d) => messageField(1, [typeof d === 'number' ? intField(1, d) : stringField(2, d)]));
  return concat([stringField(1, name), messageField(2, [messageField(1, [intField(1, elem), messageField(2, shape)])])]);
}

export function encodeTensor(name: string, dims: number[], values: Float32Array | BigInt64Array): Bytes {
  const elem = values instanceof Float32Array ? ELEM.float : ELEM.int64;
  const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return concat([...dims.map((d) => intField(1, d)), intField(2, elem), stringField(8, name), bytesField(9, raw)]);
}

export interface ValueSpec {
  name: string;
  elem: number;
  dims: Array<number | string>;
}

export interface GraphSpec {
  nodes: NodeSpec[];
  initializers?: Array<{ name: string; dims: number[]; values: Float32Array | BigInt64Array }>;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  opset?: number;
}

/** A complete ModelProto (nodes without a name are named n0, n1, ...). */
export function encodeModel(g: GraphSpec): Bytes {
  const graph = [
    ...g.nodes.map((n, i) => bytesField(1, encodeNode({ ...n, name: n.name ?? `n${i}` }))),
    stringField(2, 'graph'),
    ...(g.initializers ?? []).map((t) => bytesField(5, encodeTensor(t.name, t.dims, t.values))),
    ...g.inputs.map((v) => bytesField(11, encodeValueInfo(v.name, v.elem, v.dims))),
    ...g.outputs.map((v) => bytesField(12, encodeValueInfo(v.name, v.elem, v.dims))),
  ];
  return concat([intField(1, 8), stringField(2, 'rmgauge'), messageField(7, graph), messageField(8, [stringField(1, ''), intField(2, g.opset ?? 17)])]);
}
