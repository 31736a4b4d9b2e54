import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BondInputError } from '../../src/core/index.js';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../../src/policy/index.js';

/** Named float32 tensors with distinct names, shapes of rank 0–3 and arbitrary finite values (±0 included). */
const namedTensors: fc.Arbitrary<NamedTensor[]> = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_.]{0,8}$/), { maxLength: 5 })
  .chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }).chain((shape) =>
          fc
            .array(fc.float({ noNaN: true }), { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) })
            .map((values) => ({ name, shape, data: Float32Array.from(values) })),
        ),
      ),
    ),
  );

/** A safetensors file assembled by hand, the slow obvious way, from a header object and raw data bytes. */
function handMade(header: object, data: Uint8Array): Uint8Array {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return new Uint8Array(Buffer.concat([length, json, data]));
}

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('safetensors', () => {
  it('round-trips names, shapes, metadata and every float32 bit pattern', () => {
    fc.assert(
      fc.property(namedTensors, fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), (tensors, metadata) => {
        fc.pre(!('__proto__' in metadata));
        const back = decodeSafetensors(encodeSafetensors(tensors, metadata), 'x.safetensors');
        expect(back.metadata).toEqual(metadata);
        expect(back.tensors.map((t) => [t.name, t.shape])).toEqual(tensors.map((t) => [t.name, t.shape]));
        back.tensors.forEach((t, i) => expect(bits(t.data)).toEqual(bits(tensors[i]!.data)));
      }),
    );
  });

  it('writes the reference layout: u64 LE header length, 8-byte-aligned JSON header, packed LE data', () => {
    const bytes = encodeSafetensors([
      { name: 'a', shape: [2], data: new Float32Array([1, -2]) },
      { name: 'b', shape: [1, 1], data: new Float32Array([0.5]) },
    ]);
    const buf = Buffer.from(bytes);
    const n = Number(buf.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    expect(JSON.parse(buf.subarray(8, 8 + n).toString('utf8'))).toEqual({
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [1, 1], data_offsets: [8, 12] },
    });
    expect([0, 4, 8].map((o) => buf.readFloatLE(8 + n + o))).toEqual([1, -2, 0.5]);
  });

  it('reads a hand-made file (unpadded header, tensors listed out of offset order)', () => {
    const data = Buffer.alloc(12);
    data.writeFloatLE(3, 0);
    data.writeFloatLE(4, 4);
    data.writeFloatLE(5, 8);
    const file = handMade(
      { second: { dtype: 'F32', shape: [2], data_offsets: [4, 12] }, first: { dtype: 'F32', shape: [], data_offsets: [0, 4] } },
      new Uint8Array(data),
    );
    const { tensors } = decodeSafetensors(file, 'hand');
    expect(tensors.map((t) => [t.name, t.shape, Array.from(t.data)])).toEqual([
      ['first', [], [3]],
      ['second', [2], [4, 5]],
    ]);
  });

  it('rejects every truncation of a valid file with a BondInputError', () => {
    const file = encodeSafetensors([{ name: 'w', shape: [3], data: new Float32Array([1, 2, 3]) }]);
    for (let cut = 0; cut < file.length; cut++) {
      expect(() => decodeSafetensors(file.subarray(0, cut), 'w.safetensors')).toThrow(BondInputError);
    }
    expect(() => decodeSafetensors(file.subarray(0, file.length - 1), 'w.safetensors')).toThrow(
      'w.safetensors: tensor "w": expected data_offsets within the 11 data bytes, got [0,12] (truncated file?)',
    );
    expect(() => decodeSafetensors(file.subarray(0, 20), 'w.safetensors')).toThrow(/expected a header of \d+ bytes, got 12 bytes after the length prefix/);
  });

  it('rejects tampered headers naming the tensor: dtype, shape/offset mismatch, gaps, trailing bytes, non-JSON', () => {
    const data = new Uint8Array(16);
    const entry = (over: object) => ({ dtype: 'F32', shape: [2], data_offsets: [0, 8], ...over });
    const ok = { b: entry({ data_offsets: [8, 16] }) };
    expect(() => decodeSafetensors(handMade({ a: entry({ dtype: 'F16' }), ...ok }, data), 'f')).toThrow('f: tensor "a": expected dtype "F32", got "F16"');
    expect(() => decodeSafetensors(handMade({ a: entry({ shape: [3] }), ...ok }, data), 'f')).toThrow(
      'f: tensor "a": expected data_offsets spanning 12 bytes for shape [3], got [0,8]',
    );
    expect(() => decodeSafetensors(handMade({ a: entry({ data_offsets: [4, 12] }), b: entry({ data_offsets: [8, 16] }) }, data), 'f')).toThrow(
      'f: tensor "a": expected data to start at byte 0, got 4 (gap or overlap)',
    );
    expect(() => decodeSafetensors(handMade({ a: entry({}) }, data), 'f')).toThrow('f: expected 8 data bytes after the header, got 16');
    expect(() => decodeSafetensors(handMade({ a: entry({ shape: 'x' }) }, data), 'f')).toThrow(/f: tensor "a": shape: expected Array<number>, got "x"/);
    expect(() => decodeSafetensors(handMade({ __metadata__: { k: 1 } }, new Uint8Array()), 'f')).toThrow(/f: __metadata__: k: expected string, got 1/);
    const notJson = new Uint8Array(Buffer.concat([Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{x}')]));
    expect(() => decodeSafetensors(notJson, 'f')).toThrow(/f: expected a UTF-8 JSON header, got/);
  });

  it('refuses to encode duplicate names or data that does not match the shape', () => {
    const t = { name: 'w', shape: [2], data: new Float32Array(2) };
    expect(() => encodeSafetensors([t, t])).toThrow(/expected distinct tensor names/);
    expect(() => encodeSafetensors([{ ...t, shape: [3] }])).toThrow('encodeSafetensors: tensor "w": expected 3 values for shape [3], got 2');
  });
});
