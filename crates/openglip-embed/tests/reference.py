"""Reference embeddings for tests/reference.rs: the same BERT forward pass in NumPy (float64),
with the Hugging Face `tokenizers` library for the token ids, over tests/sentences.json.

    python3 -m pip install numpy safetensors tokenizers
    python3 reference.py MODEL_DIR sentences.json > reference.json

It prints the first three sentences' cosines, which the sentence-transformers documentation
publishes for all-MiniLM-L6-v2 (0.6660, 0.1046, 0.1411), to stderr.
"""
import json, sys, numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer
d = sys.argv[1]
W = load_file(d + "/model.safetensors")
tok = Tokenizer.from_file(d + "/tokenizer.json")
tok.no_padding()
def P(k):
    for pre in ("", "bert.", "0.auto_model."):
        if pre + k in W: return W[pre + k].astype(np.float64)
    raise KeyError(k)
from math import erf
verf = np.vectorize(erf)
def ln(x, g, b, eps=1e-12):
    m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * g + b
def embed(text):
    e = tok.encode(text); ids = e.ids
    n = len(ids)
    x = P("embeddings.word_embeddings.weight")[ids] + P("embeddings.position_embeddings.weight")[:n] + P("embeddings.token_type_embeddings.weight")[0]
    x = ln(x, P("embeddings.LayerNorm.weight"), P("embeddings.LayerNorm.bias"))
    for l in range(6):
        p = f"encoder.layer.{l}."
        lin = lambda h, k: h @ P(p + k + ".weight").T + P(p + k + ".bias")
        q = lin(x, "attention.self.query").reshape(n, 12, 32).transpose(1, 0, 2)
        k = lin(x, "attention.self.key").reshape(n, 12, 32).transpose(1, 0, 2)
        v = lin(x, "attention.self.value").reshape(n, 12, 32).transpose(1, 0, 2)
        s = q @ k.transpose(0, 2, 1) / np.sqrt(32)
        s = np.exp(s - s.max(-1, keepdims=True)); s /= s.sum(-1, keepdims=True)
        a = (s @ v).transpose(1, 0, 2).reshape(n, 384)
        x = ln(lin(a, "attention.output.dense") + x, P(p + "attention.output.LayerNorm.weight"), P(p + "attention.output.LayerNorm.bias"))
        h = lin(x, "intermediate.dense"); h = 0.5 * h * (1 + verf(h / np.sqrt(2)))
        x = ln(lin(h, "output.dense") + x, P(p + "output.LayerNorm.weight"), P(p + "output.LayerNorm.bias"))
    m = x.mean(0)
    return ids, m / np.linalg.norm(m)
sents = json.load(open(sys.argv[2]))
out = []
for s in sents:
    ids, v = embed(s)
    out.append({"text": s, "ids": ids, "embedding": [round(float(f), 6) for f in v]})
E = np.array([o["embedding"] for o in out])
print(np.round(E[:3] @ E[:3].T, 4), file=sys.stderr)
json.dump(out, sys.stdout)
