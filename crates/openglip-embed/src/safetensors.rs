//! The safetensors layout, read by hand: eight bytes (little-endian `u64`) giving the length of
//! a JSON header, the header — for each tensor its `dtype`, `shape` and `data_offsets`
//! (start and end, in bytes, from the end of the header) — then the tensors' bytes. Only 32-bit
//! float tensors are read (`F32`); others (all-MiniLM-L6-v2's `position_ids`) are skipped.

use std::collections::HashMap;

/// A parsed safetensors file: its bytes and where each tensor is.
pub struct Tensors {
    bytes: Vec<u8>,
    data_start: usize,
    index: HashMap<String, Entry>,
}

struct Entry {
    dtype: String,
    shape: Vec<usize>,
    start: usize,
    end: usize,
}

impl Tensors {
    /// Reads the header and checks that every tensor lies inside the file with the size its
    /// shape and type say.
    pub fn parse(bytes: Vec<u8>) -> Result<Tensors, String> {
        let head: [u8; 8] = bytes
            .get(..8)
            .and_then(|h| h.try_into().ok())
            .ok_or("shorter than a safetensors header")?;
        let len = usize::try_from(u64::from_le_bytes(head)).map_err(|e| e.to_string())?;
        let data_start = len
            .checked_add(8)
            .filter(|&s| s <= bytes.len())
            .ok_or("the header length runs past the end of the file")?;
        let header: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&bytes[8..data_start])
                .map_err(|e| format!("the header is not a JSON object: {e}"))?;
        let data_len = bytes.len() - data_start;
        let mut index = HashMap::new();
        for (name, v) in header {
            if name == "__metadata__" {
                continue;
            }
            let bad = |what: &str| format!("tensor {name}: {what}");
            let dtype = v["dtype"].as_str().ok_or_else(|| bad("no dtype"))?;
            let shape: Vec<usize> = v["shape"]
                .as_array()
                .ok_or_else(|| bad("no shape"))?
                .iter()
                .map(|d| d.as_u64().and_then(|d| usize::try_from(d).ok()))
                .collect::<Option<_>>()
                .ok_or_else(|| bad("a dimension is not a number"))?;
            let offsets = v["data_offsets"]
                .as_array()
                .ok_or_else(|| bad("no data_offsets"))?;
            let at = |i: usize| {
                offsets
                    .get(i)
                    .and_then(serde_json::Value::as_u64)
                    .and_then(|o| usize::try_from(o).ok())
                    .ok_or_else(|| bad("malformed data_offsets"))
            };
            let (start, end) = (at(0)?, at(1)?);
            if start > end || end > data_len {
                return Err(bad("its bytes lie outside the file"));
            }
            let width = match dtype {
                "F64" | "I64" | "U64" => 8,
                "F32" | "I32" | "U32" => 4,
                "F16" | "BF16" | "I16" | "U16" => 2,
                _ => 1,
            };
            let count: usize = shape.iter().product();
            if count.checked_mul(width) != Some(end - start) {
                return Err(bad("its size does not match its shape"));
            }
            index.insert(
                name.clone(),
                Entry {
                    dtype: dtype.to_string(),
                    shape,
                    start,
                    end,
                },
            );
        }
        Ok(Tensors {
            bytes,
            data_start,
            index,
        })
    }

    /// Whether the file has a tensor of that name.
    pub fn has(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    /// The tensor `name`, which must be `F32` of exactly `shape`, in row-major order.
    pub fn f32(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
        let e = self
            .index
            .get(name)
            .ok_or_else(|| format!("no tensor {name}"))?;
        if e.dtype != "F32" {
            return Err(format!("tensor {name} is {}, only F32 is read", e.dtype));
        }
        if e.shape != shape {
            return Err(format!(
                "tensor {name} has shape {:?}, expected {shape:?}",
                e.shape
            ));
        }
        let raw = &self.bytes[self.data_start + e.start..self.data_start + e.end];
        Ok(raw
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(header: &str, data: &[u8]) -> Vec<u8> {
        let mut out = (header.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn reads_f32_tensors_by_name_and_shape() {
        let data: Vec<u8> = [1.5f32, -2.0, 0.25, 8.0]
            .iter()
            .flat_map(|f| f.to_le_bytes())
            .collect();
        let t = Tensors::parse(file(
            r#"{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#,
            &data,
        ))
        .unwrap();
        assert!(t.has("w"));
        assert_eq!(t.f32("w", &[2, 2]).unwrap(), vec![1.5, -2.0, 0.25, 8.0]);
        assert!(t.f32("w", &[4]).unwrap_err().contains("shape"));
        assert!(t.f32("v", &[4]).unwrap_err().contains("no tensor v"));
    }

    #[test]
    fn refuses_tensors_outside_the_file_or_of_the_wrong_size() {
        let e = Tensors::parse(file(
            r#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}"#,
            &[0; 8],
        ))
        .err()
        .unwrap();
        assert!(e.contains("outside the file"), "{e}");
        let e = Tensors::parse(file(
            r#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#,
            &[0; 8],
        ))
        .err()
        .unwrap();
        assert!(e.contains("does not match its shape"), "{e}");
        assert!(Tensors::parse(vec![0xff; 12]).is_err());
        let t = Tensors::parse(file(
            r#"{"p":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#,
            &[0; 8],
        ))
        .unwrap();
        assert!(t.f32("p", &[1]).unwrap_err().contains("only F32"));
    }
}
