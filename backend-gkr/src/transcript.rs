//! Fiat-Shamir transcript over blake3.
//!
//! Every absorption is framed as `len(label) || label || len(data) || data`, so no two
//! different sequences of absorptions hash the same. The transcript starts from a protocol
//! label and a caller-chosen domain separator. A challenge is derived from a fork of the
//! running hash (extended output, 64 bytes reduced modulo p, so its bias is below 2^-250
//! for BN254), and the squeezed bytes are absorbed back so consecutive challenges differ.
//! The prover and verifier must absorb exactly the same things in the same order: first the
//! [`crate::Statement`], then every commitment, then every prover message, claimed value and
//! claim point the verifier sees, each before the first challenge that depends on it.

use ark_ff::PrimeField;
use ark_serialize::CanonicalSerialize;

/// Protocol label absorbed first by every transcript.
pub const PROTOCOL_LABEL: &[u8] = b"tessera-gkr/transcript/v2";

/// A Fiat-Shamir transcript (the same type is used by the prover and the verifier).
#[derive(Clone)]
pub struct Transcript {
    hasher: blake3::Hasher,
    squeezes: u64,
}

impl std::fmt::Debug for Transcript {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Transcript({})", self.hasher.finalize().to_hex())
    }
}

impl Transcript {
    /// A fresh transcript for the given domain (e.g. `b"tessera/program"`).
    pub fn new(domain: &[u8]) -> Self {
        let mut t = Transcript {
            hasher: blake3::Hasher::new(),
            squeezes: 0,
        };
        t.absorb_bytes(b"protocol", PROTOCOL_LABEL);
        t.absorb_bytes(b"domain", domain);
        t
    }

    fn frame(&mut self, label: &[u8], len: usize) {
        self.hasher.update(&(label.len() as u64).to_le_bytes());
        self.hasher.update(label);
        self.hasher.update(&(len as u64).to_le_bytes());
    }

    /// Absorb raw bytes under a label.
    pub fn absorb_bytes(&mut self, label: &[u8], data: &[u8]) {
        self.frame(label, data.len());
        self.hasher.update(data);
    }

    /// Absorb an integer under a label.
    pub fn absorb_u64(&mut self, label: &[u8], v: u64) {
        self.absorb_bytes(label, &v.to_le_bytes());
    }

    /// Absorb one field element (canonical bytes) under a label.
    pub fn absorb_field<F: CanonicalSerialize>(&mut self, label: &[u8], x: &F) {
        self.absorb_fields(label, std::slice::from_ref(x));
    }

    /// Absorb a list of field elements under a label, without allocating.
    pub fn absorb_fields<F: CanonicalSerialize>(&mut self, label: &[u8], xs: &[F]) {
        let size = xs.first().map_or(0, |x| x.compressed_size());
        self.frame(label, xs.len() * size);
        let mut buf = [0u8; 128];
        for x in xs {
            let n = x.compressed_size();
            if n <= buf.len() {
                let mut slot = &mut buf[..n];
                x.serialize_compressed(&mut slot)
                    .expect("field element fits its own compressed size");
                self.hasher.update(&buf[..n]);
            } else {
                let mut v = Vec::with_capacity(n);
                x.serialize_compressed(&mut v)
                    .expect("serialising into a Vec never fails");
                self.hasher.update(&v);
            }
        }
    }

    /// 64 pseudo-random bytes bound to everything absorbed so far and to `label`.
    fn squeeze(&mut self, label: &[u8]) -> [u8; 64] {
        let mut fork = self.hasher.clone();
        fork.update(b"squeeze");
        fork.update(&self.squeezes.to_le_bytes());
        fork.update(&(label.len() as u64).to_le_bytes());
        fork.update(label);
        let mut out = [0u8; 64];
        fork.finalize_xof().fill(&mut out);
        self.squeezes += 1;
        self.absorb_bytes(b"squeezed", &out[..32]);
        out
    }

    /// A field challenge.
    pub fn challenge<F: PrimeField>(&mut self, label: &[u8]) -> F {
        F::from_le_bytes_mod_order(&self.squeeze(label))
    }

    /// `n` field challenges.
    pub fn challenges<F: PrimeField>(&mut self, label: &[u8], n: usize) -> Vec<F> {
        (0..n).map(|_| self.challenge(label)).collect()
    }

    /// `n` indices uniform in `0..bound` (bias below 2^-64 for any `bound < 2^64`); `None`
    /// (and nothing squeezed) when `bound` is zero.
    pub fn challenge_indices(
        &mut self,
        label: &[u8],
        n: usize,
        bound: usize,
    ) -> Option<Vec<usize>> {
        if bound == 0 {
            return None;
        }
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let bytes = self.squeeze(label);
            for c in bytes.chunks(16) {
                if out.len() == n {
                    break;
                }
                let v = u128::from_le_bytes(c.try_into().expect("16-byte chunk"));
                out.push((v % bound as u128) as usize);
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Fr;

    #[test]
    fn challenges_depend_on_everything_absorbed() {
        let mut a = Transcript::new(b"test");
        let mut b = Transcript::new(b"test");
        assert_eq!(a.challenge::<Fr>(b"c"), b.challenge::<Fr>(b"c"));
        a.absorb_field(b"x", &Fr::from(1u64));
        b.absorb_field(b"x", &Fr::from(2u64));
        assert_ne!(a.challenge::<Fr>(b"c"), b.challenge::<Fr>(b"c"));
        // framing: label/data boundaries matter
        let mut c = Transcript::new(b"test");
        let mut d = Transcript::new(b"test");
        c.absorb_bytes(b"ab", b"c");
        d.absorb_bytes(b"a", b"bc");
        assert_ne!(c.challenge::<Fr>(b"c"), d.challenge::<Fr>(b"c"));
        // consecutive challenges differ
        let mut e = Transcript::new(b"test");
        assert_ne!(e.challenge::<Fr>(b"c"), e.challenge::<Fr>(b"c"));
        let idx = e.challenge_indices(b"q", 10, 7).unwrap();
        assert!(idx.len() == 10 && idx.iter().all(|&i| i < 7));
        assert_eq!(e.challenge_indices(b"q", 10, 0), None);
    }
}
