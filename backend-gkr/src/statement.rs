//! The public statement, absorbed into the transcript before anything else.
//!
//! Fiat-Shamir is only sound when every challenge is drawn after everything it must not be
//! chosen against is fixed in the transcript. A proof here is over a [`Statement`] (the
//! circuits with their copy counts, public data such as the program hash and public inputs
//! and outputs, and the commitment parameters) and over commitments to the witness; the
//! order is always: absorb the statement, absorb every commitment, then draw challenges. In
//! raw mode (inputs shipped, not committed) the input tables are part of the statement.
//!
//! A statement stores digests, not data: each circuit as [`LayeredCircuit::digest`], each
//! public item as a domain-separated blake3 digest of its bytes, so that absorbing it costs
//! the same on both sides whatever the data's size.

use crate::circuit::LayeredCircuit;
use crate::field::write_elem;
use crate::pcs::merkle::Digest;
use crate::pcs::PcsParams;
use crate::transcript::Transcript;
use ark_ff::PrimeField;

/// Transcript label opening every absorbed statement.
pub const STATEMENT_LABEL: &[u8] = b"tessera-gkr/statement/v1";

/// One circuit of a statement: its digest and `log2` of its number of copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CircuitEntry {
    /// [`LayeredCircuit::digest`].
    pub digest: Digest,
    /// `log2` of the number of copies.
    pub log_copies: u32,
}

/// One labelled public item, stored as the digest of its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicEntry {
    /// What the item is (`b"program"`, `b"return-value"`, `b"gkr/raw-inputs"`, ...).
    pub label: Vec<u8>,
    /// Domain-separated blake3 digest of the item's bytes.
    pub digest: Digest,
}

/// What a proof is about: circuits and copy counts, public data, commitment parameters.
/// Prover and verifier build the same statement and call [`Statement::absorb`] before any
/// commitment is absorbed or any challenge drawn.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Statement {
    circuits: Vec<CircuitEntry>,
    public: Vec<PublicEntry>,
    pcs: Option<PcsParams>,
}

fn public_digest(kind: &[u8], label: &[u8], write: impl FnOnce(&mut blake3::Hasher)) -> Digest {
    let mut h = blake3::Hasher::new();
    h.update(b"tessera-gkr/statement/public");
    h.update(&(kind.len() as u64).to_le_bytes());
    h.update(kind);
    h.update(&(label.len() as u64).to_le_bytes());
    h.update(label);
    write(&mut h);
    *h.finalize().as_bytes()
}

impl Statement {
    /// An empty statement (no circuit, no public data, no commitment parameters).
    pub fn new() -> Self {
        Self::default()
    }

    /// The statement of one circuit on `2^log_copies` committed copies under `params`
    /// (what [`crate::prove_with_commitment`] absorbs).
    pub fn committed<F: PrimeField>(
        circuit: &LayeredCircuit<F>,
        log_copies: usize,
        params: &PcsParams,
    ) -> Self {
        let mut s = Self::new();
        s.circuit(circuit, log_copies).pcs(params);
        s
    }

    /// The statement of one circuit on a raw (shipped) copy-major input table of
    /// `2^log_copies` copies (what [`crate::prove`] absorbs): the whole table is public.
    pub fn raw<F: PrimeField>(
        circuit: &LayeredCircuit<F>,
        log_copies: usize,
        inputs: &[F],
    ) -> Self {
        let mut s = Self::new();
        s.circuit(circuit, log_copies)
            .public_fields(b"gkr/raw-inputs", inputs);
        s
    }

    /// Add a circuit proven on `2^log_copies` copies (in proving order).
    pub fn circuit<F: PrimeField>(
        &mut self,
        circuit: &LayeredCircuit<F>,
        log_copies: usize,
    ) -> &mut Self {
        self.circuits.push(CircuitEntry {
            digest: circuit.digest(),
            log_copies: log_copies as u32,
        });
        self
    }

    /// Add public bytes under `label` (a program hash, an argument, an input buffer).
    pub fn public_bytes(&mut self, label: &[u8], bytes: &[u8]) -> &mut Self {
        let digest = public_digest(b"bytes", label, |h| {
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        });
        self.public.push(PublicEntry {
            label: label.to_vec(),
            digest,
        });
        self
    }

    /// Add public field elements under `label` (canonical encodings, in order).
    pub fn public_fields<F: PrimeField>(&mut self, label: &[u8], xs: &[F]) -> &mut Self {
        let digest = public_digest(b"fields", label, |h| {
            h.update(&(xs.len() as u64).to_le_bytes());
            let mut buf = Vec::with_capacity(64);
            for x in xs {
                buf.clear();
                write_elem(&mut buf, x);
                h.update(&buf);
            }
        });
        self.public.push(PublicEntry {
            label: label.to_vec(),
            digest,
        });
        self
    }

    /// Set the commitment parameters the proof's commitments use.
    pub fn pcs(&mut self, params: &PcsParams) -> &mut Self {
        self.pcs = Some(*params);
        self
    }

    /// The circuits, in the order they were added.
    pub fn circuits(&self) -> &[CircuitEntry] {
        &self.circuits
    }

    /// The public items, in the order they were added.
    pub fn public(&self) -> &[PublicEntry] {
        &self.public
    }

    /// The commitment parameters, if set.
    pub fn pcs_params(&self) -> Option<&PcsParams> {
        self.pcs.as_ref()
    }

    /// Absorb the whole statement (both sides, first).
    pub fn absorb(&self, transcript: &mut Transcript) {
        transcript.absorb_bytes(b"statement", STATEMENT_LABEL);
        transcript.absorb_u64(b"statement/circuits", self.circuits.len() as u64);
        for c in &self.circuits {
            transcript.absorb_bytes(b"statement/circuit", &c.digest);
            transcript.absorb_u64(b"statement/log-copies", c.log_copies as u64);
        }
        transcript.absorb_u64(b"statement/public", self.public.len() as u64);
        for p in &self.public {
            transcript.absorb_bytes(b"statement/public-label", &p.label);
            transcript.absorb_bytes(b"statement/public-digest", &p.digest);
        }
        match &self.pcs {
            None => transcript.absorb_u64(b"statement/pcs", 0),
            Some(p) => p.absorb(transcript),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::circuit::{Gate, Layer};
    use crate::field::Fr;
    use crate::pcs::LigeroParams;

    fn challenge(s: &Statement) -> Fr {
        let mut t = Transcript::new(b"s");
        s.absorb(&mut t);
        t.challenge(b"c")
    }

    #[test]
    fn every_part_of_a_statement_changes_the_challenges() {
        let c: LayeredCircuit<Fr> =
            LayeredCircuit::new(2, vec![Layer::padded(vec![Gate::mul(0, 1)])]);
        let d: LayeredCircuit<Fr> =
            LayeredCircuit::new(2, vec![Layer::padded(vec![Gate::add(0, 1)])]);
        let base = Statement::committed(&c, 3, &PcsParams::default());
        let variants = [
            Statement::new(),
            Statement::committed(&d, 3, &PcsParams::default()),
            Statement::committed(&c, 4, &PcsParams::default()),
            Statement::committed(&c, 3, &PcsParams::Raw),
            Statement::committed(&c, 3, &PcsParams::Ligero(LigeroParams::johnson_100())),
            {
                let mut s = base.clone();
                s.public_bytes(b"program", b"x");
                s
            },
            Statement::raw(&c, 0, &[Fr::from(1u64), Fr::from(2u64)]),
            Statement::raw(&c, 0, &[Fr::from(1u64), Fr::from(3u64)]),
        ];
        let b = challenge(&base);
        for (k, v) in variants.iter().enumerate() {
            assert_ne!(challenge(v), b, "variant {k}");
        }
        // labels and kinds are separated: same bytes under another label or kind differ
        let mut x = Statement::new();
        x.public_bytes(b"a", b"1");
        let mut y = Statement::new();
        y.public_bytes(b"b", b"1");
        assert_ne!(challenge(&x), challenge(&y));
        assert_eq!(challenge(&base), challenge(&base.clone()));
    }
}
