//! Sentence embeddings on the CPU, in plain Rust: the encoder of a sentence-transformers BERT
//! model such as all-MiniLM-L6-v2 (6 layers, hidden size 384, 12 heads, a GELU feed-forward of
//! 1536), mean pooling over the tokens and L2 normalisation, so that the cosine of two
//! sentences is the dot product of their embeddings.
//!
//! An [`Encoder`] is loaded from a folder holding the model as sentence-transformers ships it:
//!
//! - `config.json`: the BERT shape (`hidden_size`, `num_hidden_layers`, `num_attention_heads`,
//!   `intermediate_size`, `layer_norm_eps`, `hidden_act` = `gelu`);
//! - `model.safetensors`: the weights, 32-bit floats ([`safetensors`]);
//! - `tokenizer.json`: the WordPiece vocabulary and the BERT normaliser's options
//!   ([`WordPiece`]).
//!
//! What it computes is checked against reference embeddings in `tests/reference.rs` (token ids
//! equal to the Hugging Face tokenizer's, cosines within 1e-3 of a NumPy forward pass, and the
//! published similarities of the sentence-transformers documentation).
//!
//! Cost: one short sentence is about 10 M multiply-adds per token; the crate is built with
//! optimisations even in debug builds (the workspace's `profile.dev.package`), where a
//! ten-token sentence takes a few milliseconds.

mod bert;
mod math;
pub mod safetensors;
mod tokenizer;

use std::path::{Path, PathBuf};

pub use tokenizer::WordPiece;

use crate::bert::Bert;
use crate::safetensors::Tensors;

/// Why a model folder could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Format { path: PathBuf, message: String },
}

/// A sentence encoder: tokenizer and model, loaded once, shared by reference (it is `Sync`;
/// each [`Encoder::embed`] works on buffers of its own).
pub struct Encoder {
    tokenizer: WordPiece,
    bert: Bert,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("dimension", &self.dimension())
            .field("layers", &self.bert.layers())
            .finish()
    }
}

/// The longest input, in tokens with `[CLS]` and `[SEP]` (sentence-transformers' own limit for
/// this family; longer text is cut at its end).
pub const MAX_TOKENS: usize = 256;

impl Encoder {
    /// Loads `config.json`, `model.safetensors` and `tokenizer.json` from `dir`.
    pub fn load(dir: &Path) -> Result<Encoder, LoadError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|source| LoadError::Io { path, source })
        };
        let format = |name: &str, message: String| LoadError::Format {
            path: dir.join(name),
            message,
        };
        let config: serde_json::Value = serde_json::from_slice(&read("config.json")?)
            .map_err(|e| format("config.json", e.to_string()))?;
        let tokenizer = String::from_utf8(read("tokenizer.json")?)
            .map_err(|e| format("tokenizer.json", e.to_string()))
            .and_then(|t| {
                WordPiece::from_json(&t, MAX_TOKENS).map_err(|m| format("tokenizer.json", m))
            })?;
        let tensors = Tensors::parse(read("model.safetensors")?)
            .map_err(|m| format("model.safetensors", m))?;
        let bert = Bert::load(&config, &tensors).map_err(|m| format("model.safetensors", m))?;
        if tokenizer.vocab_size() > bert.vocab_size() {
            return Err(format(
                "tokenizer.json",
                format!(
                    "the vocabulary has {} tokens but the model embeds {}",
                    tokenizer.vocab_size(),
                    bert.vocab_size()
                ),
            ));
        }
        Ok(Encoder { tokenizer, bert })
    }

    /// The length of an embedding (384 for all-MiniLM-L6-v2).
    pub fn dimension(&self) -> usize {
        self.bert.hidden()
    }

    /// The token ids the model reads for `text`: `[CLS]`, the word pieces, `[SEP]`.
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        self.tokenizer.encode(text)
    }

    /// The embedding of `text`: the mean of the last layer over its tokens, of length 1.
    pub fn embed(&self, text: &str) -> Vec<f32> {
        let ids = self.tokenize(text);
        let mut v = self.bert.mean_pooled(&ids);
        let norm = math::dot(&v, &v).sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|x| *x /= norm);
        }
        v
    }
}

/// The cosine of two embeddings of length 1 (their dot product), in -1..=1.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    math::dot(a, b).clamp(-1.0, 1.0)
}
