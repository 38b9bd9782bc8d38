//! Parsing the entry function's arguments from text (the CLI's and the tests' syntax).

use super::Arg;
use crate::{Function, Type};
use std::path::Path;

/// Parses one command-line argument for a parameter of type `ty` (0-based `index`).
///
/// Integers: decimal (a leading `-` for negative values, stored two's complement) or `0x` hex;
/// the value must fit the parameter's width as unsigned or as signed. Pointers: `hex:<bytes>`
/// or `file:<path>`, placed in memory as a buffer.
pub fn parse_arg(text: &str, ty: Type, index: usize) -> Result<Arg, String> {
    let at = |m: String| format!("argument {index} ('{text}'): {m}");
    match ty {
        Type::Ptr => {
            if let Some(h) = text.strip_prefix("hex:") {
                parse_hex(h).map(Arg::Buffer).map_err(at)
            } else if let Some(p) = text.strip_prefix("file:") {
                std::fs::read(Path::new(p)).map(Arg::Buffer).map_err(|e| at(format!("cannot read file '{p}': {e}")))
            } else {
                Err(at("a pointer parameter takes `hex:<bytes>` or `file:<path>`".into()))
            }
        }
        Type::Int(bits) if bits > 64 => parse_wide(text, bits as u32).map(Arg::Wide).map_err(at),
        Type::Int(bits) => parse_int(text, bits as u32).map(Arg::Int).map_err(at),
    }
}

fn parse_hex(h: &str) -> Result<Vec<u8>, String> {
    let h: String = h.chars().filter(|c| !c.is_whitespace() && *c != '_').collect();
    if !h.len().is_multiple_of(2) {
        return Err("hex bytes need an even number of digits".into());
    }
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).map_err(|_| format!("'{}' is not a hex byte", &h[i..i + 2])))
        .collect()
}

/// Parses an integer for an `i{bits}` parameter wider than 64 bits (decimal or `0x` hex, a
/// leading `-` for negative values); it must fit the width as unsigned or as signed.
pub fn parse_wide(text: &str, bits: u32) -> Result<super::wide::Limbs, String> {
    use num_bigint::BigInt;
    use num_traits::One;
    let t = text.trim().replace('_', "");
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b.to_string()),
        None => (false, t.strip_prefix('+').unwrap_or(&t).to_string()),
    };
    let mag = match body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        Some(h) => BigInt::parse_bytes(h.as_bytes(), 16),
        None => BigInt::parse_bytes(body.as_bytes(), 10),
    }
    .ok_or_else(|| format!("not an integer (decimal, or hex with 0x) for i{bits}"))?;
    let x = if neg { -mag } else { mag };
    let (lo, hi) = (-(BigInt::one() << (bits - 1)), (BigInt::one() << bits) - 1);
    if x < lo || x > hi {
        return Err(format!("out of range for i{bits}"));
    }
    Ok(super::wide::from_signed(&x, bits))
}

/// Parses an integer for an `i{bits}` parameter.
pub fn parse_int(text: &str, bits: u32) -> Result<u64, String> {
    let t = text.trim().replace('_', "");
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b.to_string()),
        None => (false, t.strip_prefix('+').unwrap_or(&t).to_string()),
    };
    let mag: u128 = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        u128::from_str_radix(h, 16)
    } else {
        body.parse::<u128>()
    }
    .map_err(|_| format!("not an integer (decimal, or hex with 0x) for i{bits}"))?;
    let umax: u128 = if bits >= 64 { u64::MAX as u128 } else { (1u128 << bits) - 1 };
    let smin_mag: u128 = 1u128 << (bits - 1);
    if neg {
        if mag > smin_mag {
            return Err(format!("out of range for i{bits} (smallest is -{smin_mag})"));
        }
        Ok(((mag as i128).wrapping_neg() as u128 & umax) as u64)
    } else {
        if mag > umax {
            return Err(format!("out of range for i{bits} (largest is {umax})"));
        }
        Ok(mag as u64)
    }
}

/// Parses all arguments of `f`.
pub fn parse_args(f: &Function, texts: &[String]) -> Result<Vec<Arg>, String> {
    if texts.len() != f.params.len() {
        let sig: Vec<String> = f.params.iter().map(|&p| f.ty(p).to_string()).collect();
        return Err(format!(
            "function '{}' takes {} argument(s) ({}), {} given",
            f.display_name(),
            f.params.len(),
            sig.join(", "),
            texts.len()
        ));
    }
    f.params.iter().zip(texts).enumerate().map(|(i, (&p, t))| parse_arg(t, f.ty(p), i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(parse_int("255", 8), Ok(255));
        assert_eq!(parse_int("-1", 8), Ok(255));
        assert_eq!(parse_int("-128", 8), Ok(128));
        assert!(parse_int("-129", 8).is_err());
        assert!(parse_int("256", 8).is_err());
        assert_eq!(parse_int("0xff", 8), Ok(255));
        assert_eq!(parse_int("18446744073709551615", 64), Ok(u64::MAX));
        assert_eq!(parse_int("-9223372036854775808", 64), Ok(1 << 63));
        assert!(parse_int("abc", 32).is_err());
        assert_eq!(parse_int("1", 1), Ok(1));
        assert_eq!(parse_int("-1", 1), Ok(1));
    }

    #[test]
    fn buffers() {
        assert_eq!(parse_arg("hex:01ff", Type::Ptr, 0), Ok(Arg::Buffer(vec![1, 255])));
        assert!(parse_arg("hex:1", Type::Ptr, 0).is_err());
        assert!(parse_arg("12", Type::Ptr, 0).is_err());
        assert!(parse_arg("file:/nonexistent/x", Type::Ptr, 0).unwrap_err().contains("cannot read"));
    }
}
