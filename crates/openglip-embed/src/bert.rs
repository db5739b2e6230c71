//! The BERT encoder's forward pass over one sequence, without padding or batching: embeddings
//! (word + position + token type 0, normalised), then each layer — self-attention over all the
//! tokens, its output projection added to its input and normalised, a GELU feed-forward added
//! and normalised — and the mean of the last layer's rows. Weights are read by their Hugging
//! Face names (`embeddings.word_embeddings.weight`, `encoder.layer.N.attention.self.query.weight`,
//! …), with or without a `bert.` prefix; a linear layer's weight is `[out, in]`.

use crate::math::{dot, gelu, layer_norm, softmax};
use crate::safetensors::Tensors;

struct Linear {
    /// `[out][in]`, row-major: output `o` is `bias[o] + weight[o] · x`.
    weight: Vec<f32>,
    bias: Vec<f32>,
    inputs: usize,
    outputs: usize,
}

impl Linear {
    fn load(t: &Weights, name: &str, inputs: usize, outputs: usize) -> Result<Linear, String> {
        Ok(Linear {
            weight: t.get(&format!("{name}.weight"), &[outputs, inputs])?,
            bias: t.get(&format!("{name}.bias"), &[outputs])?,
            inputs,
            outputs,
        })
    }

    /// `x` is `n` rows of `inputs`; the answer `n` rows of `outputs`. Each weight row is read
    /// once for all the rows of `x`.
    fn forward(&self, x: &[f32], n: usize) -> Vec<f32> {
        let mut y = vec![0.0; n * self.outputs];
        for (o, w) in self.weight.chunks_exact(self.inputs).enumerate() {
            for (r, row) in x.chunks_exact(self.inputs).enumerate() {
                y[r * self.outputs + o] = self.bias[o] + dot(row, w);
            }
        }
        y
    }
}

struct Norm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
}

impl Norm {
    fn load(t: &Weights, name: &str, hidden: usize) -> Result<Norm, String> {
        Ok(Norm {
            gamma: t.get(&format!("{name}.weight"), &[hidden])?,
            beta: t.get(&format!("{name}.bias"), &[hidden])?,
        })
    }

    fn apply(&self, x: &mut [f32], eps: f32) {
        for row in x.chunks_exact_mut(self.gamma.len()) {
            layer_norm(row, &self.gamma, &self.beta, eps);
        }
    }
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: Norm,
    up: Linear,
    down: Linear,
    output_norm: Norm,
}

/// The weights, found with or without the `bert.` prefix some checkpoints carry.
struct Weights<'a> {
    tensors: &'a Tensors,
    prefix: &'static str,
}

impl Weights<'_> {
    fn get(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
        self.tensors.f32(&format!("{}{name}", self.prefix), shape)
    }
}

/// A loaded BERT encoder.
pub struct Bert {
    hidden: usize,
    heads: usize,
    vocab: usize,
    max_positions: usize,
    eps: f32,
    words: Vec<f32>,
    positions: Vec<f32>,
    token_type: Vec<f32>,
    embedding_norm: Norm,
    layers: Vec<Layer>,
}

fn number(config: &serde_json::Value, key: &str) -> Result<usize, String> {
    config[key]
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("config.json has no positive `{key}`"))
}

impl Bert {
    /// Builds the encoder `config` (config.json) describes from `tensors`.
    pub fn load(config: &serde_json::Value, tensors: &Tensors) -> Result<Bert, String> {
        let hidden = number(config, "hidden_size")?;
        let heads = number(config, "num_attention_heads")?;
        let layers = number(config, "num_hidden_layers")?;
        let inner = number(config, "intermediate_size")?;
        let vocab = number(config, "vocab_size")?;
        let max_positions = number(config, "max_position_embeddings")?;
        let types = number(config, "type_vocab_size")?;
        let eps = config["layer_norm_eps"].as_f64().unwrap_or(1e-12) as f32;
        if hidden % heads != 0 {
            return Err(format!(
                "hidden_size {hidden} is not a multiple of num_attention_heads {heads}"
            ));
        }
        match config["hidden_act"].as_str() {
            None | Some("gelu") => {}
            Some(other) => return Err(format!("hidden_act `{other}` is not supported (gelu is)")),
        }
        let prefix = if tensors.has("embeddings.word_embeddings.weight") {
            ""
        } else {
            "bert."
        };
        let t = Weights { tensors, prefix };
        let layers = (0..layers)
            .map(|l| {
                let p = format!("encoder.layer.{l}");
                Ok(Layer {
                    query: Linear::load(&t, &format!("{p}.attention.self.query"), hidden, hidden)?,
                    key: Linear::load(&t, &format!("{p}.attention.self.key"), hidden, hidden)?,
                    value: Linear::load(&t, &format!("{p}.attention.self.value"), hidden, hidden)?,
                    attention_out: Linear::load(
                        &t,
                        &format!("{p}.attention.output.dense"),
                        hidden,
                        hidden,
                    )?,
                    attention_norm: Norm::load(
                        &t,
                        &format!("{p}.attention.output.LayerNorm"),
                        hidden,
                    )?,
                    up: Linear::load(&t, &format!("{p}.intermediate.dense"), hidden, inner)?,
                    down: Linear::load(&t, &format!("{p}.output.dense"), inner, hidden)?,
                    output_norm: Norm::load(&t, &format!("{p}.output.LayerNorm"), hidden)?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Bert {
            hidden,
            heads,
            vocab,
            max_positions,
            eps,
            words: t.get("embeddings.word_embeddings.weight", &[vocab, hidden])?,
            positions: t.get(
                "embeddings.position_embeddings.weight",
                &[max_positions, hidden],
            )?,
            token_type: t.get("embeddings.token_type_embeddings.weight", &[types, hidden])?,
            embedding_norm: Norm::load(&t, "embeddings.LayerNorm", hidden)?,
            layers,
        })
    }

    pub fn hidden(&self) -> usize {
        self.hidden
    }

    pub fn vocab_size(&self) -> usize {
        self.vocab
    }

    pub fn layers(&self) -> usize {
        self.layers.len()
    }

    /// The mean of the last layer's rows for the token ids `ids` (at most the model's
    /// positions; more are cut off; ids past the vocabulary read as id 0).
    pub fn mean_pooled(&self, ids: &[u32]) -> Vec<f32> {
        let h = self.hidden;
        let ids = &ids[..ids.len().min(self.max_positions)];
        let n = ids.len();
        if n == 0 {
            return vec![0.0; h];
        }
        let mut x = vec![0.0; n * h];
        for (pos, (&id, row)) in ids.iter().zip(x.chunks_exact_mut(h)).enumerate() {
            let id = if (id as usize) < self.vocab {
                id as usize
            } else {
                0
            };
            let word = &self.words[id * h..(id + 1) * h];
            let position = &self.positions[pos * h..(pos + 1) * h];
            for i in 0..h {
                row[i] = word[i] + position[i] + self.token_type[i];
            }
        }
        self.embedding_norm.apply(&mut x, self.eps);
        for layer in &self.layers {
            self.layer(layer, &mut x, n);
        }
        let mut mean = vec![0.0; h];
        for row in x.chunks_exact(h) {
            mean.iter_mut().zip(row).for_each(|(m, v)| *m += v);
        }
        mean.iter_mut().for_each(|m| *m /= n as f32);
        mean
    }

    fn layer(&self, l: &Layer, x: &mut Vec<f32>, n: usize) {
        let h = self.hidden;
        let d = h / self.heads;
        let q = l.query.forward(x, n);
        let k = l.key.forward(x, n);
        let v = l.value.forward(x, n);
        let scale = 1.0 / (d as f32).sqrt();
        let mut context = vec![0.0; n * h];
        let mut scores = vec![0.0; n];
        let mut qh = vec![0.0; d];
        let mut kh = vec![0.0; d];
        for head in 0..self.heads {
            let cols = head * d..(head + 1) * d;
            for i in 0..n {
                qh.copy_from_slice(&q[i * h..][cols.clone()]);
                for (j, s) in scores.iter_mut().enumerate() {
                    kh.copy_from_slice(&k[j * h..][cols.clone()]);
                    *s = dot(&qh, &kh) * scale;
                }
                softmax(&mut scores);
                let out = &mut context[i * h..][cols.clone()];
                for (j, s) in scores.iter().enumerate() {
                    let vj = &v[j * h..][cols.clone()];
                    out.iter_mut().zip(vj).for_each(|(o, v)| *o += s * v);
                }
            }
        }
        let mut attended = l.attention_out.forward(&context, n);
        attended.iter_mut().zip(x.iter()).for_each(|(a, x)| *a += x);
        l.attention_norm.apply(&mut attended, self.eps);
        let mut inner = l.up.forward(&attended, n);
        inner.iter_mut().for_each(|v| *v = gelu(*v));
        let mut out = l.down.forward(&inner, n);
        out.iter_mut().zip(&attended).for_each(|(o, a)| *o += a);
        l.output_norm.apply(&mut out, self.eps);
        *x = out;
    }
}
