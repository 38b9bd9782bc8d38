//! tessera's middle end: analyses, pattern detection and region formation.
//!
//! This crate owns the transformations from the frontend's [`tessera_ir::Program`] to the
//! shape the circuit stages need: every call inlined into the entry function
//! ([`inline`]), memory intrinsics of non-constant or large length expanded into byte loops
//! ([`expand_mem`]), chains fused ([`merge`]), innermost loop bodies and small diamonds made
//! branch-free ([`ifconv`], [`regions`]), loops optionally unrolled ([`unroll`]). Pipelines for
//! the three grouping modes are declared once in [`pass`]; the IR verifier runs after every
//! pass. Every transform keeps the program's behaviour: the interpreter gives the original
//! results on the transformed program (tested on all testdata).
//!
//! After region formation every block is a region; [`canon`] gives regions canonical forms
//! (equal exactly when one template proves both) and classes, and [`grouping`] runs the
//! program to collect, per class, its copies with their inputs. A class's circuit is a
//! [`template::Template`] built by [`lower`] (witnesses by [`witness`]); [`layer`] turns it into the GKR backend's layered circuit, whose
//! evaluation gives the template's outputs on every copy's inputs.

pub mod analysis;
pub mod canon;
pub mod devirt;
pub mod edit;
pub mod error;
pub mod expand_mem;
pub mod glue;
pub mod grouping;
pub mod ifconv;
pub mod inline;
pub mod layer;
pub mod lower;
pub mod merge;
pub mod pass;
pub mod prove;
pub mod regions;
pub mod simplify;
pub mod stages;
pub mod template;
pub mod unroll;
pub mod witness;

pub use error::PassError;
pub use pass::{run_pipeline, Grouping, Module, Pass, PassConfig};
