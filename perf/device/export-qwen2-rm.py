# Rebuilds a small-qwen2-rm-shaped reward model on the GPU machine (which has torch 2.11 and
# transformers 5.17 but cannot receive the 44 MB fixture within the 64 MiB transfer limit):
# Qwen2ForSequenceClassification from perf/device/small-qwen2-rm.config.json, seeded random
# weights, exported like the fixture (torch.onnx.export, opset 17, dynamic batch and sequence
# axes, output "logits"), plus golden.json: torch fp32 logits of 3 conversations, for a parity
# check of every execution provider.
# usage: python3 export-qwen2-rm.py <out dir> <tokenizer dir> [hidden layers heads kv inter]
import json, os, shutil, sys
import torch
from transformers import AutoTokenizer, Qwen2Config, Qwen2ForSequenceClassification

out, tokdir = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
here = os.path.dirname(os.path.abspath(__file__))
cfg = json.load(open(os.path.join(here, 'small-qwen2-rm.config.json')))
if len(sys.argv) > 3:
    h, l, a, kv, inter = map(int, sys.argv[3:8])
    cfg.update(hidden_size=h, num_hidden_layers=l, num_attention_heads=a, num_key_value_heads=kv,
               intermediate_size=inter, layer_types=['full_attention'] * l)
for f in ['tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja']:
    shutil.copy(os.path.join(tokdir, f), out)
json.dump(cfg, open(os.path.join(out, 'config.json'), 'w'), indent=2)

torch.manual_seed(0)
config = Qwen2Config(**{k: v for k, v in cfg.items() if k not in ('transformers_version',)})
model = Qwen2ForSequenceClassification(config).eval()
print('parameters', sum(p.numel() for p in model.parameters()), flush=True)

tok = AutoTokenizer.from_pretrained(out)
tpl = open(os.path.join(out, 'chat_template.jinja')).read()
cases = [
    [{'role': 'system', 'content': 'You are terse.'}, {'role': 'user', 'content': 'Name a prime.'}, {'role': 'assistant', 'content': '7'}],
    [{'role': 'user', 'content': 'What is 2+2?'}, {'role': 'assistant', 'content': '2+2 equals 4.'}],
    [{'role': 'user', 'content': '日本の首都はどこですか？'}, {'role': 'assistant', 'content': '東京です。 🤖'}],
]
golden = []
for msgs in cases:
    text = tok.apply_chat_template(msgs, chat_template=tpl, tokenize=False, add_generation_prompt=False)
    ids = tok(text, add_special_tokens=False)['input_ids']
    with torch.no_grad():
        logit = model(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long)).logits[0, 0].item()
    golden.append({'messages': msgs, 'input_ids': ids, 'logit': logit})
json.dump({'model': 'small-qwen2-rm (rebuilt)', 'cases': golden}, open(os.path.join(out, 'golden.json'), 'w'), indent=1)

# Trace with a right-padded batch so that the attention-mask path is the one exported.
a, b = golden[1]['input_ids'], golden[0]['input_ids']
n = max(len(a), len(b))
pad = cfg['pad_token_id']
ids = torch.tensor([a + [pad] * (n - len(a)), b + [pad] * (n - len(b))])
mask = torch.tensor([[1] * len(a) + [0] * (n - len(a)), [1] * len(b) + [0] * (n - len(b))])
kw = dict(input_names=['input_ids', 'attention_mask'], output_names=['logits'], opset_version=17,
          dynamic_axes={'input_ids': {0: 'batch', 1: 'seq'}, 'attention_mask': {0: 'batch', 1: 'seq'}, 'logits': {0: 'batch'}})
path = os.path.join(out, 'model.onnx')
try:
    torch.onnx.export(model, (ids, mask), path, dynamo=False, **kw)
except Exception as e:  # newer torch: only the dynamo exporter
    print('legacy exporter failed (%s); using dynamo' % e, flush=True)
    torch.onnx.export(model, (ids, mask), path, dynamo=True, external_data=False,
                      input_names=kw['input_names'], output_names=kw['output_names'], opset_version=18,
                      dynamic_shapes={'input_ids': {0: 'batch', 1: 'seq'}, 'attention_mask': {0: 'batch', 1: 'seq'}})
print('exported', path, os.path.getsize(path), 'bytes', flush=True)
