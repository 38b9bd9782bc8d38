//! Analyses over one function: CFG, dominators, natural loops, liveness. Each is a struct
//! computed from the IR whose results live in side tables keyed by handle; recompute after
//! any transform.

pub mod cfg;
pub mod dom;
pub mod liveness;
pub mod loops;

pub use cfg::Cfg;
pub use dom::DomTree;
pub use liveness::Liveness;
pub use loops::{Loop, LoopId, Loops};
