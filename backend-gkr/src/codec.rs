//! A small length-checked binary codec for proofs.
//!
//! Lengths are `u32` little-endian counts. The reader checks every count against the bytes
//! that remain *before* allocating, so a hostile length cannot make it allocate more than
//! the input's size, and every read is bounds-checked: malformed input is an error, never a
//! panic. Field elements use their canonical compressed encoding (non-canonical values are
//! rejected).

use crate::error::VerifyError;
use crate::field::{elem_size, write_elem};
use ark_ff::PrimeField;

/// Appends encoded values to a byte vector.
#[derive(Default)]
pub struct Writer {
    /// The bytes written so far.
    pub buf: Vec<u8>,
}

impl Writer {
    /// Raw bytes.
    pub fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    /// One byte.
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    /// A `u16`.
    pub fn u16(&mut self, v: u16) {
        self.bytes(&v.to_le_bytes());
    }

    /// A `u32`.
    pub fn u32(&mut self, v: u32) {
        self.bytes(&v.to_le_bytes());
    }

    /// A length (panics only for absurd in-memory sizes beyond `u32`).
    pub fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).expect("proof component longer than u32::MAX"));
    }

    /// One field element.
    pub fn field<F: PrimeField>(&mut self, x: &F) {
        write_elem(&mut self.buf, x);
    }

    /// A length-prefixed vector of field elements.
    pub fn fields<F: PrimeField>(&mut self, xs: &[F]) {
        self.len(xs.len());
        for x in xs {
            self.field(x);
        }
    }

    /// A length-prefixed vector of digests.
    pub fn digests(&mut self, ds: &[[u8; 32]]) {
        self.len(ds.len());
        for d in ds {
            self.bytes(d);
        }
    }
}

/// Reads encoded values from a byte slice, never past its end.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

fn malformed(what: &str) -> VerifyError {
    VerifyError::Malformed(what.to_string())
}

impl<'a> Reader<'a> {
    /// A reader at the start of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// `n` raw bytes.
    pub fn bytes(&mut self, n: usize, what: &str) -> Result<&'a [u8], VerifyError> {
        if n > self.remaining() {
            return Err(malformed(&format!("truncated {what}")));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// One byte.
    pub fn u8(&mut self, what: &str) -> Result<u8, VerifyError> {
        Ok(self.bytes(1, what)?[0])
    }

    /// A `u16`.
    pub fn u16(&mut self, what: &str) -> Result<u16, VerifyError> {
        let b = self.bytes(2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    /// A `u32`.
    pub fn u32(&mut self, what: &str) -> Result<u32, VerifyError> {
        let b = self.bytes(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A count of items of at least `min_item_bytes` bytes each, checked against what
    /// remains.
    pub fn count(&mut self, min_item_bytes: usize, what: &str) -> Result<usize, VerifyError> {
        let n = self.u32(what)? as usize;
        if n.saturating_mul(min_item_bytes.max(1)) > self.remaining() {
            return Err(malformed(&format!(
                "{what}: length {n} exceeds the remaining bytes"
            )));
        }
        Ok(n)
    }

    /// An option tag (0 or 1).
    pub fn flag(&mut self, what: &str) -> Result<bool, VerifyError> {
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            t => Err(malformed(&format!("{what}: bad option tag {t}"))),
        }
    }

    /// One canonical field element.
    pub fn field<F: PrimeField>(&mut self, what: &str) -> Result<F, VerifyError> {
        let size = elem_size::<F>();
        let mut b = self.bytes(size, what)?;
        F::deserialize_compressed(&mut b)
            .map_err(|_| malformed(&format!("{what}: non-canonical field element")))
    }

    /// A length-prefixed vector of field elements.
    pub fn fields<F: PrimeField>(&mut self, what: &str) -> Result<Vec<F>, VerifyError> {
        let n = self.count(elem_size::<F>(), what)?;
        (0..n).map(|_| self.field(what)).collect()
    }

    /// A 32-byte digest.
    pub fn digest(&mut self, what: &str) -> Result<[u8; 32], VerifyError> {
        let b = self.bytes(32, what)?;
        let mut d = [0u8; 32];
        d.copy_from_slice(b);
        Ok(d)
    }

    /// A length-prefixed vector of digests.
    pub fn digests(&mut self, what: &str) -> Result<Vec<[u8; 32]>, VerifyError> {
        let n = self.count(32, what)?;
        (0..n).map(|_| self.digest(what)).collect()
    }

    /// Fail unless every byte was consumed.
    pub fn finish(&self) -> Result<(), VerifyError> {
        if self.remaining() != 0 {
            return Err(malformed(&format!("{} trailing bytes", self.remaining())));
        }
        Ok(())
    }
}
