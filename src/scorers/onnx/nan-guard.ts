// torch.onnx exports scaled_dot_product_attention with a guard after the softmax,
// Where(IsNaN(p), 0, p), for query rows whose keys are all masked (their softmax is NaN). The guard
// walks the whole [batch, heads, n, n] probability tensor twice per layer: a third of the time of a
// small model over long sequences (profiled on the tiny fixture at 512 tokens), a few percent on
// the 11M Qwen2 graph. rmgauge's batches never have such rows when every row starts with an
// unmasked token and attention is causal or bidirectional over the padding mask: every query then
// sees key 0 (right padding). Without the guard a fully masked row would give NaN, and a NaN spreads
// to every position that attends to it, so a wrong result cannot pass silently: the session worker
// reruns any batch with a non-finite logit, and any batch with a masked first token, on the graph
// as exported.
import { encodeNode, bytesField, concat, payload, readFields, text, type Bytes, type Field } from './onnx-proto.js';

interface NodeInfo {
  field: Field;
  op: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  hasSubgraph: boolean;
}

function readNode(buf: Uint8Array, f: Field): NodeInfo {
  const body = payload(buf, f);
  const node: NodeInfo = { field: f, op: '', domain: '', name: '', inputs: [], outputs: [], hasSubgraph: false };
  for (const x of readFields(body)) {
    if (x.field === 1) node.inputs.push(text(body, x));
    else if (x.field === 2) node.outputs.push(text(body, x));
    else if (x.field === 3) node.name = text(body, x);
    else if (x.field === 4) node.op = text(body, x);
    else if (x.field === 7) node.domain = text(body, x);
    else if (x.field === 5) {
      // AttributeProto: g (6) or graphs (11) hold subgraphs, which may use outer names.
      node.hasSubgraph ||= readFields(payload(body, x)).some((a) => a.field === 6 || a.field === 11);
    }
  }
  return node;
}

const isDefaultDomain = (d: string) => d === '' || d === 'ai.onnx';

export interface Elided {
  model: Bytes;
  /** Guards replaced by Identity (ORT then removes them). */
  guards: number;
}

/** The model with every top-level Where(IsNaN(softmax), c, softmax) replaced by the softmax. */
export function elideSoftmaxNanGuards(model: Bytes): Elided {
  const top = readFields(model);
  const graphField = top.find((f) => f.field === 7 && f.wire === 2);
  if (!graphField) return { model, guards: 0 };
  const graph = payload(model, graphField);
  const fields = readFields(graph);
  const nodes = fields.filter((f) => f.field === 1 && f.wire === 2).map((f) => readNode(graph, f));
  const graphOutputs = new Set(
    fields.filter((f) => f.field === 12).map((f) => {
      const nameField = readFields(payload(graph, f)).find((x) => x.field === 1);
      return nameField ? text(payload(graph, f), nameField) : '';
    }),
  );
  const producer = new Map<string, NodeInfo>();
  const uses = new Map<string, number>();
  for (const n of nodes) {
    for (const o of n.outputs) producer.set(o, n);
    for (const i of n.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
  }
  const anySubgraph = nodes.some((n) => n.hasSubgraph);

  const replaced = new Map<Field, Bytes | null>(); // null: dropped
  let guards = 0;
  for (const where of nodes) {
    if (where.op !== 'Where' || !isDefaultDomain(where.domain) || where.inputs.length !== 3 || where.outputs.length !== 1) continue;
    const [cond, , probs] = where.inputs;
    const isNan = producer.get(cond);
    const softmax = producer.get(probs);
    if (!isNan || isNan.op !== 'IsNaN' || !isDefaultDomain(isNan.domain) || isNan.inputs[0] !== probs) continue;
    if (!softmax || softmax.op !== 'Softmax' || !isDefaultDomain(softmax.domain)) continue;
    replaced.set(where.field, encodeNode({ op: 'Identity', inputs: [probs], outputs: where.outputs, name: where.name || undefined }));
    guards++;
    if (!anySubgraph && uses.get(cond) === 1 && !graphOutputs.has(cond)) replaced.set(isNan.field, null);
  }
  if (!guards) return { model, guards: 0 };

  const newGraph = concat(
    fields.flatMap((f) => {
      if (!replaced.has(f)) return [graph.subarray(f.start, f.end)];
      const node = replaced.get(f);
      return node ? [bytesField(1, node)] : [];
    }),
  );
  const out = concat(top.map((f) => (f === graphField ? bytesField(7, newGraph) : model.subarray(f.start, f.end))));
  return { model: out, guards };
}

/**
 * Whether the model's attention lets a right-padded query row be fully masked even when its first
 * token is not: sliding windows shorter than the sequences, or chunked attention. The guards then
 * stay.
 */
export function attentionMayMaskWholeRows(config: Record<string, unknown>, maxLength: number): boolean {
  const window = config.sliding_window;
  const windowOn = config.use_sliding_window !== false && typeof window === 'number' && window < maxLength;
  const layerTypes = Array.isArray(config.layer_types) ? config.layer_types : [];
  const local = layerTypes.some((t) => t !== 'full_attention');
  return windowOn || local || config.attention_chunk_size != null;
}
