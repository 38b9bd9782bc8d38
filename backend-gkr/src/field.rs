//! Field helpers shared by the prover and verifier: canonical bytes, small constants,
//! univariate interpolation from evaluations at `0..=d`, signed display, and serde adapters
//! that write field elements as hex strings of their canonical little-endian bytes.

use ark_ff::PrimeField;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};

/// The default field: the BN254 scalar field.
pub type Fr = ark_bn254::Fr;

/// Number of bytes of a field element's canonical (compressed) encoding.
pub fn elem_size<F: CanonicalSerialize + Default>() -> usize {
    F::default().compressed_size()
}

/// Append the canonical little-endian encoding of `x` to `out`.
pub fn write_elem<F: CanonicalSerialize>(out: &mut Vec<u8>, x: &F) {
    // Serialising into a Vec cannot fail.
    x.serialize_compressed(out)
        .expect("serialising a field element into a Vec never fails");
}

/// Decode one canonical field element; `None` if the bytes are not a canonical encoding
/// (for example a value at or above the modulus).
pub fn read_elem<F: CanonicalDeserialize>(bytes: &[u8]) -> Option<F> {
    F::deserialize_compressed(bytes).ok()
}

/// `v` as a field element.
#[inline]
pub fn small<F: PrimeField>(v: u64) -> F {
    F::from(v)
}

/// Evaluate at `r` the unique polynomial of degree `evals.len() - 1` taking value `evals[i]`
/// at `i` (Lagrange form over the nodes `0, 1, ..., d`). Verifier-side; `d` is small.
pub fn interpolate_at<F: PrimeField>(evals: &[F], r: F) -> F {
    let n = evals.len();
    if n == 0 {
        return F::zero();
    }
    // prefix[i] = prod_{j<i} (r - j), suffix[i] = prod_{j>i} (r - j)
    let nodes: Vec<F> = (0..n as u64).map(|j| r - F::from(j)).collect();
    let mut prefix = vec![F::one(); n + 1];
    for i in 0..n {
        prefix[i + 1] = prefix[i] * nodes[i];
    }
    let mut suffix = vec![F::one(); n + 1];
    for i in (0..n).rev() {
        suffix[i] = suffix[i + 1] * nodes[i];
    }
    // denominator of L_i: prod_{j != i} (i - j) = i! * (d - i)! * (-1)^(d - i)
    let mut fact = vec![F::one(); n];
    for i in 1..n {
        fact[i] = fact[i - 1] * F::from(i as u64);
    }
    let d = n - 1;
    let mut acc = F::zero();
    for i in 0..n {
        let mut denom = fact[i] * fact[d - i];
        if (d - i) % 2 == 1 {
            denom = -denom;
        }
        // Small factorials are never zero in a field of characteristic > d.
        let inv = denom.inverse().unwrap_or_else(F::zero);
        acc += evals[i] * prefix[i] * suffix[i + 1] * inv;
    }
    acc
}

/// Write `x` as a decimal integer, using a minus sign for values above `(p - 1) / 2` so that
/// small negative coefficients print as `-1`, not as a 77-digit number.
pub fn fmt_signed<F: PrimeField>(x: &F, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    let neg = -*x;
    if neg.into_bigint() < x.into_bigint() {
        write!(f, "-{}", neg.into_bigint())
    } else {
        write!(f, "{}", x.into_bigint())
    }
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    s.as_bytes()
        .chunks(2)
        .map(|p| Some(digit(p[0])? << 4 | digit(p[1])?))
        .collect()
}

/// Hex string of a 32-byte digest.
pub fn digest_hex(d: &[u8; 32]) -> String {
    to_hex(d)
}

/// serde adapter: one field element as a hex string of its canonical bytes.
pub mod serde_fe {
    use super::*;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    /// Serialize as hex.
    pub fn serialize<F: CanonicalSerialize, S: Serializer>(x: &F, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = Vec::new();
        write_elem(&mut buf, x);
        s.serialize_str(&to_hex(&buf))
    }

    /// Deserialize from hex, rejecting non-canonical encodings.
    pub fn deserialize<'de, F: CanonicalDeserialize, D: Deserializer<'de>>(
        d: D,
    ) -> Result<F, D::Error> {
        let s = String::deserialize(d)?;
        let bytes = from_hex(&s).ok_or_else(|| D::Error::custom("bad hex in field element"))?;
        let mut slice = bytes.as_slice();
        let x = F::deserialize_compressed(&mut slice)
            .map_err(|_| D::Error::custom("non-canonical field element"))?;
        if !slice.is_empty() {
            return Err(D::Error::custom("trailing bytes in field element"));
        }
        Ok(x)
    }
}

/// serde adapter: a vector of field elements as a list of hex strings.
pub mod serde_fe_vec {
    use super::*;
    use serde::{ser::SerializeSeq, Deserialize, Deserializer, Serializer};

    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(transparent)]
    struct Hex<F: CanonicalSerialize + CanonicalDeserialize>(#[serde(with = "super::serde_fe")] F);

    /// Serialize as a list of hex strings.
    pub fn serialize<F: CanonicalSerialize + CanonicalDeserialize + Copy, S: Serializer>(
        v: &[F],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for x in v {
            seq.serialize_element(&Hex(*x))?;
        }
        seq.end()
    }

    /// Deserialize a list of hex strings.
    pub fn deserialize<'de, F: CanonicalSerialize + CanonicalDeserialize, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<F>, D::Error> {
        let v: Vec<Hex<F>> = Vec::deserialize(d)?;
        Ok(v.into_iter().map(|h| h.0).collect())
    }
}

/// serde adapter: a 32-byte digest as a hex string.
pub mod serde_digest {
    use super::*;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    /// Serialize as hex.
    pub fn serialize<S: Serializer>(d: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&to_hex(d))
    }

    /// Deserialize from 64 hex digits.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        let bytes = from_hex(&s).ok_or_else(|| D::Error::custom("bad hex in digest"))?;
        bytes
            .try_into()
            .map_err(|_| D::Error::custom("digest must be 32 bytes"))
    }
}

/// serde adapter: a list of 32-byte digests as hex strings.
pub mod serde_digest_vec {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(transparent)]
    struct Hex(#[serde(with = "super::serde_digest")] [u8; 32]);

    /// Serialize as a list of hex strings.
    pub fn serialize<S: Serializer>(v: &[[u8; 32]], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|d| Hex(*d)))
    }

    /// Deserialize a list of hex strings.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<[u8; 32]>, D::Error> {
        let v: Vec<Hex> = Vec::deserialize(d)?;
        Ok(v.into_iter().map(|h| h.0).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_matches_polynomial() {
        // p(t) = 3 + 5t - 2t^2 + 7t^3
        let p = |t: Fr| {
            Fr::from(3u64) + Fr::from(5u64) * t - Fr::from(2u64) * t * t
                + Fr::from(7u64) * t * t * t
        };
        let evals: Vec<Fr> = (0..4u64).map(|i| p(Fr::from(i))).collect();
        for r in [0u64, 1, 3, 17, 12345] {
            assert_eq!(interpolate_at(&evals, Fr::from(r)), p(Fr::from(r)));
        }
        assert_eq!(interpolate_at(&evals[..1], Fr::from(9u64)), evals[0]);
    }

    #[test]
    fn hex_round_trip() {
        let b = [0u8, 1, 0xab, 0xff];
        assert_eq!(from_hex(&to_hex(&b)).unwrap(), b);
        assert!(from_hex("abc").is_none());
        assert!(from_hex("zz").is_none());
    }
}
