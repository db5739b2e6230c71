//! The arithmetic of the forward pass, written so that the compiler vectorises it: dot products
//! over eight lanes, layer normalisation, GELU (with erf), softmax.

/// `a · b` over eight running sums (the order a SIMD unit adds in).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    let (ca, ra) = a.as_chunks::<8>();
    let (cb, rb) = b.as_chunks::<8>();
    let mut acc = [0f32; 8];
    for (x, y) in ca.iter().zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    let mut sum: f32 = acc.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        sum += x * y;
    }
    sum
}

/// Layer normalisation of one row in place: zero mean, unit variance, then `gamma` and `beta`.
pub fn layer_norm(row: &mut [f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let n = row.len() as f32;
    let mean = row.iter().sum::<f32>() / n;
    let var = row.iter().map(|x| (x - mean) * (x - mean)).sum::<f32>() / n;
    let inv = 1.0 / (var + eps).sqrt();
    for ((x, g), b) in row.iter_mut().zip(gamma).zip(beta) {
        *x = (*x - mean) * inv * g + b;
    }
}

/// BERT's GELU, the exact one: `x · Φ(x) = x/2 · (1 + erf(x/√2))`.
pub fn gelu(x: f32) -> f32 {
    let x = f64::from(x);
    (0.5 * x * (1.0 + erf(x / std::f64::consts::SQRT_2))) as f32
}

/// The error function, to about 1e-7 (Abramowitz and Stegun 7.1.26), more than `f32` keeps.
fn erf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let y = 1.0 - poly * (-x * x).exp();
    if x < 0.0 { -y } else { y }
}

/// Softmax of one row in place.
pub fn softmax(row: &mut [f32]) {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for x in row.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    row.iter_mut().for_each(|x| *x /= sum);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_adds_every_lane_and_the_rest() {
        let a: Vec<f32> = (1..=11).map(|i| i as f32).collect();
        let b = vec![1.0; 11];
        assert_eq!(dot(&a, &b), 66.0);
    }

    #[test]
    fn gelu_is_x_phi_x() {
        assert_eq!(gelu(0.0), 0.0);
        // Φ(1) = 0.841344746…, Φ(-1) = 0.158655254…
        assert!((gelu(1.0) - 0.841_344_7).abs() < 1e-6);
        assert!((gelu(-1.0) + 0.158_655_25).abs() < 1e-6);
        assert!((gelu(6.0) - 6.0).abs() < 1e-6);
    }

    #[test]
    fn layer_norm_and_softmax() {
        let mut r = [1.0, 2.0, 3.0];
        layer_norm(&mut r, &[1.0; 3], &[0.5; 3], 0.0);
        assert!((r[0] + 1.224_744_9 - 0.5).abs() < 1e-5 && (r[1] - 0.5).abs() < 1e-6);
        let mut s = [0.0, 0.0, 2f32.ln()];
        softmax(&mut s);
        assert!((s[0] - 0.25).abs() < 1e-6 && (s[2] - 0.5).abs() < 1e-6);
    }
}
