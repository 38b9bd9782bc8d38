//! Test-only crate holding the insta snapshots of every stage; see `tests/`.
