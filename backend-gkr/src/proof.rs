//! Versioned proof encodings: compact binary and JSON for inspection.
//!
//! Binary: `b"TSRA"`, format version (`u16`), proof kind (`u8`), then the payload (see the
//! `encode_*` functions; vectors are `u32`-length-prefixed, options are a `0/1` tag). The
//! decoder rejects a wrong magic, version or kind, non-canonical field elements, lengths that
//! exceed the remaining bytes, and trailing bytes. JSON wraps the serde form of the proof in
//! `{ "format": "tessera-gkr", "version": 2, "kind": ..., "proof": ... }`, field elements as
//! hex strings of their canonical bytes.
//!
//! Version 2 changed what a proof means, not its layout: the transcript absorbs the
//! [`crate::Statement`] and every commitment before any challenge, raw mode absorbs its
//! inputs, product trees absorb what fixes their leaves, and openings absorb their claim, so
//! a version 1 proof does not verify under version 2 and is refused by the header.

use crate::claim::MergeProof;
use crate::codec::{Reader, Writer};
use crate::committed::CommittedProof;
use crate::error::VerifyError;
use crate::field::elem_size;
use crate::gkr::GkrProof;
use crate::layer::{LayerProof, PhaseY};
use crate::pcs::{Commitment, LigeroOpening, Opening};
use crate::product::{ProductLayerProof, ProductProof};
use crate::sumcheck::SumcheckProof;
use ark_ff::PrimeField;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// Magic bytes opening every binary proof.
pub const MAGIC: &[u8; 4] = b"TSRA";
/// Current proof format version (2: statement and commitments absorbed before challenges).
pub const VERSION: u16 = 2;

/// Proof kinds, as stored in the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[repr(u8)]
pub enum ProofKind {
    /// [`GkrProof`].
    Gkr = 1,
    /// [`ProductProof`].
    Product = 2,
    /// [`CommittedProof`].
    Committed = 3,
    /// [`crate::program::ProgramProof`].
    Program = 4,
}

/// Binary and JSON encodings of a versioned proof type.
pub trait ProofCodec: Sized + Serialize + DeserializeOwned {
    /// The header kind.
    const KIND: ProofKind;

    /// Append the payload.
    fn encode(&self, w: &mut Writer);

    /// Read the payload.
    fn decode(r: &mut Reader<'_>) -> Result<Self, VerifyError>;

    /// The binary encoding, header included.
    fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.bytes(MAGIC);
        w.u16(VERSION);
        w.u8(Self::KIND as u8);
        self.encode(&mut w);
        w.buf
    }

    /// Decode bytes produced by [`Self::to_bytes`]; any other input is an error.
    fn from_bytes(bytes: &[u8]) -> Result<Self, VerifyError> {
        let mut r = Reader::new(bytes);
        if r.bytes(4, "magic")? != MAGIC {
            return Err(VerifyError::Malformed("bad magic".into()));
        }
        let v = r.u16("version")?;
        if v != VERSION {
            return Err(VerifyError::Malformed(format!(
                "unsupported proof version {v}"
            )));
        }
        let k = r.u8("kind")?;
        if k != Self::KIND as u8 {
            return Err(VerifyError::Malformed(format!(
                "proof kind {k}, expected {}",
                Self::KIND as u8
            )));
        }
        let p = Self::decode(&mut r)?;
        r.finish()?;
        Ok(p)
    }

    /// Pretty JSON with the format header.
    fn to_json(&self) -> String {
        let env = Envelope {
            format: "tessera-gkr".into(),
            version: VERSION,
            kind: Self::KIND,
            proof: self,
        };
        serde_json::to_string_pretty(&env).expect("proof types serialise to JSON")
    }

    /// Parse JSON produced by [`Self::to_json`].
    fn from_json(s: &str) -> Result<Self, VerifyError> {
        let env: Envelope<Self> =
            serde_json::from_str(s).map_err(|e| VerifyError::Malformed(format!("JSON: {e}")))?;
        if env.format != "tessera-gkr" || env.version != VERSION || env.kind != Self::KIND {
            return Err(VerifyError::Malformed("JSON header mismatch".into()));
        }
        Ok(env.proof)
    }
}

#[derive(Serialize, Deserialize)]
struct Envelope<P> {
    format: String,
    version: u16,
    kind: ProofKind,
    proof: P,
}

fn enc_sumcheck<F: PrimeField>(w: &mut Writer, s: &SumcheckProof<F>) {
    w.fields(&s.evals);
}

fn dec_sumcheck<F: PrimeField>(r: &mut Reader<'_>) -> Result<SumcheckProof<F>, VerifyError> {
    Ok(SumcheckProof {
        evals: r.fields("sumcheck")?,
    })
}

fn enc_merge<F: PrimeField>(w: &mut Writer, m: &Option<MergeProof<F>>) {
    match m {
        None => w.u8(0),
        Some(m) => {
            w.u8(1);
            enc_sumcheck(w, &m.sumcheck);
            w.field(&m.value);
        }
    }
}

fn dec_merge<F: PrimeField>(r: &mut Reader<'_>) -> Result<Option<MergeProof<F>>, VerifyError> {
    if !r.flag("merge")? {
        return Ok(None);
    }
    Ok(Some(MergeProof {
        sumcheck: dec_sumcheck(r)?,
        value: r.field("merge value")?,
    }))
}

fn enc_gkr<F: PrimeField>(w: &mut Writer, p: &GkrProof<F>) {
    enc_merge(w, &p.output_merge);
    w.len(p.layers.len());
    for l in &p.layers {
        enc_sumcheck(w, &l.copy);
        enc_sumcheck(w, &l.x);
        w.field(&l.vx);
        match &l.y {
            None => w.u8(0),
            Some(y) => {
                w.u8(1);
                enc_sumcheck(w, &y.sumcheck);
                w.field(&y.vy);
            }
        }
    }
    enc_merge(w, &p.input_merge);
}

fn dec_gkr<F: PrimeField>(r: &mut Reader<'_>) -> Result<GkrProof<F>, VerifyError> {
    let output_merge = dec_merge(r)?;
    // a layer takes at least two length prefixes, vx and the option tag
    let n = r.count(8 + elem_size::<F>() + 1, "layers")?;
    let mut layers = Vec::with_capacity(n);
    for _ in 0..n {
        let copy = dec_sumcheck(r)?;
        let x = dec_sumcheck(r)?;
        let vx = r.field("vx")?;
        let y = if r.flag("phase y")? {
            Some(PhaseY {
                sumcheck: dec_sumcheck(r)?,
                vy: r.field("vy")?,
            })
        } else {
            None
        };
        layers.push(LayerProof { copy, x, vx, y });
    }
    let input_merge = dec_merge(r)?;
    Ok(GkrProof {
        output_merge,
        layers,
        input_merge,
    })
}

impl<F: PrimeField> ProofCodec for GkrProof<F> {
    const KIND: ProofKind = ProofKind::Gkr;

    fn encode(&self, w: &mut Writer) {
        enc_gkr(w, self);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, VerifyError> {
        dec_gkr(r)
    }
}

impl<F: PrimeField> ProofCodec for ProductProof<F> {
    const KIND: ProofKind = ProofKind::Product;

    fn encode(&self, w: &mut Writer) {
        w.fields(&self.products);
        w.len(self.layers.len());
        for l in &self.layers {
            enc_sumcheck(w, &l.sumcheck);
            w.fields(&l.children);
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, VerifyError> {
        let products = r.fields("products")?;
        let n = r.count(8, "product layers")?;
        let mut layers = Vec::with_capacity(n);
        for _ in 0..n {
            layers.push(ProductLayerProof {
                sumcheck: dec_sumcheck(r)?,
                children: r.fields("children")?,
            });
        }
        Ok(ProductProof { products, layers })
    }
}

impl<F: PrimeField> ProofCodec for CommittedProof<F> {
    const KIND: ProofKind = ProofKind::Committed;

    fn encode(&self, w: &mut Writer) {
        enc_commitment(w, &self.commitment);
        enc_gkr(w, &self.gkr);
        enc_opening(w, &self.opening);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, VerifyError> {
        let commitment = dec_commitment(r)?;
        let gkr = dec_gkr(r)?;
        let opening = dec_opening(r)?;
        Ok(CommittedProof {
            commitment,
            gkr,
            opening,
        })
    }
}

pub(crate) fn enc_commitment(w: &mut Writer, c: &Commitment) {
    match c {
        Commitment::Ligero { root, num_vars } => {
            w.u8(1);
            w.bytes(root);
            w.u32(*num_vars);
        }
        Commitment::Raw { digest, num_vars } => {
            w.u8(2);
            w.bytes(digest);
            w.u32(*num_vars);
        }
    }
}

pub(crate) fn dec_commitment(r: &mut Reader<'_>) -> Result<Commitment, VerifyError> {
    let tag = r.u8("commitment kind")?;
    let d = r.digest("commitment")?;
    let num_vars = r.u32("num vars")?;
    match tag {
        1 => Ok(Commitment::Ligero { root: d, num_vars }),
        2 => Ok(Commitment::Raw {
            digest: d,
            num_vars,
        }),
        t => Err(VerifyError::Malformed(format!("commitment kind {t}"))),
    }
}

pub(crate) fn enc_opening<F: PrimeField>(w: &mut Writer, o: &Opening<F>) {
    match o {
        Opening::Ligero(o) => {
            w.u8(1);
            w.fields(&o.u_test);
            w.fields(&o.u_eval);
            w.fields(&o.columns);
            w.digests(&o.merkle);
        }
        Opening::Raw(t) => {
            w.u8(2);
            w.fields(t);
        }
    }
}

pub(crate) fn dec_opening<F: PrimeField>(r: &mut Reader<'_>) -> Result<Opening<F>, VerifyError> {
    match r.u8("opening kind")? {
        1 => Ok(Opening::Ligero(LigeroOpening {
            u_test: r.fields("u_test")?,
            u_eval: r.fields("u_eval")?,
            columns: r.fields("columns")?,
            merkle: r.digests("merkle")?,
        })),
        2 => Ok(Opening::Raw(r.fields("raw inputs")?)),
        t => Err(VerifyError::Malformed(format!("opening kind {t}"))),
    }
}
