import * as t from 'io-ts';
import { BondInputError, decodeOrThrow } from '../core/index.js';

/**
 * A minimal reader/writer for the safetensors layout (https://github.com/huggingface/safetensors),
 * float32 only: an 8-byte little-endian u64 header length N, an N-byte JSON header
 * `{ name: { dtype: 'F32', shape, data_offsets: [begin, end] }, __metadata__?: { key: string } }`,
 * then the little-endian tensor bytes, offsets relative to the end of the header, packed without gaps.
 * Only the layout is implemented here (no dependency); other dtypes are rejected on read.
 */

/** One named float32 tensor. */
export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The decoded content of a safetensors file: tensors in file order (by data offset), plus metadata. */
export interface Safetensors {
  readonly tensors: readonly NamedTensor[];
  readonly metadata: Readonly<Record<string, string>>;
}

const METADATA_KEY = '__metadata__';
const BYTES_PER_F32 = 4;

/**
 * Serialises tensors in the given order, data packed without gaps; the header is space-padded to a
 * multiple of 8 bytes (as the reference implementation does) so tensor data stays aligned.
 *
 * @example
 * const bytes = encodeSafetensors([{ name: 'w', shape: [2], data: new Float32Array([1, 2]) }], { step: '3' });
 * decodeSafetensors(bytes, 'w.safetensors').tensors[0].data; // Float32Array [1, 2]
 */
export function encodeSafetensors(tensors: readonly NamedTensor[], metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  let offset = 0;
  for (const { name, shape, data } of tensors) {
    if (name === METADATA_KEY || name in header) throw new RangeError(`encodeSafetensors: expected distinct tensor names other than ${METADATA_KEY}, got ${JSON.stringify(name)}`);
    if (sizeOf(shape) !== data.length) {
      throw new RangeError(`encodeSafetensors: tensor "${name}": expected ${sizeOf(shape)} values for shape [${shape.join(',')}], got ${data.length}`);
    }
    const end = offset + data.length * BYTES_PER_F32;
    header[name] = { dtype: 'F32', shape: [...shape], data_offsets: [offset, end] };
    offset = end;
  }
  const json = JSON.stringify(header);
  const headerBytes = new TextEncoder().encode(json + ' '.repeat((8 - (byteLength(json) % 8)) % 8));
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const { data } of tensors) {
    for (const value of data) {
      view.setFloat32(position, value, true);
      position += BYTES_PER_F32;
    }
  }
  return out;
}

const HeaderEntry = t.type(
  {
    dtype: t.string,
    shape: t.array(t.number),
    data_offsets: t.tuple([t.number, t.number]),
  },
  'TensorHeader',
);
const Metadata = t.record(t.string, t.string, 'Metadata');

/**
 * Parses and validates a safetensors file. Every inconsistency is a `BondInputError` beginning with
 * `where` and naming the tensor: a truncated file, a header that is not JSON, a dtype other than F32,
 * offsets that disagree with the shape, overlap, gaps, or data past the end of the file.
 *
 * @example
 * decodeSafetensors(bytes.subarray(0, 20), 'ckpt/weights.safetensors');
 * // throws: ckpt/weights.safetensors: expected a header of 64 bytes, got 12 bytes after the length prefix (truncated file?)
 */
export function decodeSafetensors(bytes: Uint8Array, where: string): Safetensors {
  if (bytes.length < 8) throw new BondInputError(`${where}: expected at least 8 bytes (the header length), got ${bytes.length} bytes (truncated file?)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) {
    throw new BondInputError(`${where}: expected a header of ${headerLength} bytes, got ${bytes.length - 8} bytes after the length prefix (truncated file?)`);
  }
  const dataStart = 8 + Number(headerLength);
  const dataLength = bytes.length - dataStart;
  const header = parseHeader(bytes.subarray(8, dataStart), where);

  const metadata = header[METADATA_KEY] === undefined ? {} : decodeOrThrow(Metadata, header[METADATA_KEY], `${where}: ${METADATA_KEY}`);
  const entries = Object.entries(header)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, raw]) => ({ name, ...validateEntry(decodeOrThrow(HeaderEntry, raw, `${where}: tensor "${name}"`), name, dataLength, where) }))
    .sort((a, b) => a.begin - b.begin);

  // The data region must be covered exactly: no gap, no overlap, nothing after the last tensor.
  let expectedBegin = 0;
  for (const { name, begin, end } of entries) {
    if (begin !== expectedBegin) throw new BondInputError(`${where}: tensor "${name}": expected data to start at byte ${expectedBegin}, got ${begin} (gap or overlap)`);
    expectedBegin = end;
  }
  if (expectedBegin !== dataLength) throw new BondInputError(`${where}: expected ${expectedBegin} data bytes after the header, got ${dataLength}`);

  const tensors = entries.map(({ name, shape, begin }) => {
    const data = new Float32Array(sizeOf(shape));
    for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(dataStart + begin + i * BYTES_PER_F32, true);
    return { name, shape, data };
  });
  return { tensors, metadata };
}

function parseHeader(headerBytes: Uint8Array, where: string): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (error) {
    throw new BondInputError(`${where}: expected a UTF-8 JSON header, got ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new BondInputError(`${where}: expected the header to be a JSON object, got ${JSON.stringify(header)?.slice(0, 40)}`);
  }
  return header as Record<string, unknown>;
}

function validateEntry(entry: t.TypeOf<typeof HeaderEntry>, name: string, dataLength: number, where: string): { shape: number[]; begin: number; end: number } {
  const at = `${where}: tensor "${name}"`;
  if (entry.dtype !== 'F32') throw new BondInputError(`${at}: expected dtype "F32", got ${JSON.stringify(entry.dtype)}`);
  if (!entry.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new BondInputError(`${at}: expected a shape of non-negative integers, got [${entry.shape.join(',')}]`);
  const [begin, end] = entry.data_offsets;
  const expectedBytes = sizeOf(entry.shape) * BYTES_PER_F32;
  if (!(Number.isInteger(begin) && Number.isInteger(end) && begin >= 0 && end - begin === expectedBytes)) {
    throw new BondInputError(`${at}: expected data_offsets spanning ${expectedBytes} bytes for shape [${entry.shape.join(',')}], got [${begin},${end}]`);
  }
  if (end > dataLength) throw new BondInputError(`${at}: expected data_offsets within the ${dataLength} data bytes, got [${begin},${end}] (truncated file?)`);
  return { shape: entry.shape, begin, end };
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
