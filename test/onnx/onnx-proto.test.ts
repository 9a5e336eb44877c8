import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ELEM, encodeModel, intField, readFields } from '../../src/scorers/onnx/onnx-proto.js';

describe('onnx-proto', () => {
  it('round-trips varints, negative int64 values as ten-byte two\'s complement', () => {
    expect(readFields(intField(3, 300))[0]).toMatchObject({ field: 3, wire: 0, varint: 300 });
    const negative = intField(3, -1);
    expect(negative.length).toBe(1 + 10);
    expect(readFields(negative)[0].varint).toBe(2 ** 64 - 1);
  });

  it('writes a negative attribute onnxruntime reads: Softmax over axis -1', async () => {
    const bytes = encodeModel({
      nodes: [{ op: 'Softmax', inputs: ['x'], outputs: ['y'], ints: { axis: -1 } }],
      inputs: [{ name: 'x', elem: ELEM.float, dims: [1, 2] }],
      outputs: [{ name: 'y', elem: ELEM.float, dims: [1, 2] }],
    });
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([0, 0]), [1, 2]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([0.5, 0.5]);
    await session.release();
  });
});
