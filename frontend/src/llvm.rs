//! LLVM through inkwell: one context per load, parsing, LLVM's verifier, and the normalising
//! passes of [`NORMALISING_PASSES`](crate::NORMALISING_PASSES).

use crate::driver::IrSource;
use crate::error::FrontendError;
use crate::NORMALISING_PASSES;
use inkwell::context::Context;
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::module::Module;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{CodeModel, InitializationConfig, RelocMode, Target, TargetData, TargetMachine, TargetTriple};
use inkwell::OptimizationLevel;
use std::path::Path;
use std::sync::Once;

/// The x86-64 Linux data layout: the one tessera's memory model assumes. Modules without a
/// layout (hand-written IR) get it.
pub(crate) const X86_64_LAYOUT: &str =
    "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128";
pub(crate) const X86_64_TRIPLE: &str = "x86_64-unknown-linux-gnu";

static INIT: Once = Once::new();

/// Process-wide LLVM set-up, done once before any context exists: the x86 target (for the
/// pass builder's target machine) and `-scalarize-load-store`, which makes the scalarizer
/// split vector loads and stores too (LLVM 19 has no pass parameter for it).
fn init_llvm() {
    INIT.call_once(|| {
        Target::initialize_x86(&InitializationConfig::default());
        crate::ll::parse_llvm_options(&["tessera", "-scalarize-load-store"]);
    });
}

/// Parses `src` (named after `path` in messages), verifies it, gives it the x86-64 layout if
/// it has none, runs the normalising passes, verifies again, and hands the module to `f`.
pub(crate) fn with_module<R>(
    path: &Path,
    src: &IrSource,
    f: impl for<'c> FnOnce(&Module<'c>) -> Result<R, FrontendError>,
) -> Result<R, FrontendError> {
    init_llvm();
    let context = Context::create();
    let module = parse(&context, path, src)?;
    if module.get_data_layout().as_str().to_bytes().is_empty() {
        let td = TargetData::create(X86_64_LAYOUT);
        module.set_data_layout(&td.get_data_layout());
    }
    if module.get_triple().as_str().to_bytes().is_empty() {
        module.set_triple(&TargetTriple::create(X86_64_TRIPLE));
    }
    run_passes(&module)?;
    module.verify().map_err(|e| {
        FrontendError::Internal(format!("module fails LLVM's verifier after the normalising passes: {e}"))
    })?;
    f(&module)
}

/// Parses and verifies `src` on its own, for an error that names its file before several
/// files are linked.
pub(crate) fn check_module(path: &Path, src: &IrSource) -> Result<(), FrontendError> {
    init_llvm();
    let context = Context::create();
    parse(&context, path, src).map(|_| ())
}

fn parse<'c>(context: &'c Context, path: &Path, src: &IrSource) -> Result<Module<'c>, FrontendError> {
    let buf = MemoryBuffer::create_from_memory_range_copy(&src.bytes, &src.name);
    let module = context.create_module_from_ir(buf).map_err(|e| FrontendError::Parse {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })?;
    module.verify().map_err(|e| FrontendError::Verify {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })?;
    Ok(module)
}

fn run_passes(module: &Module<'_>) -> Result<(), FrontendError> {
    let triple = TargetTriple::create(X86_64_TRIPLE);
    let target =
        Target::from_triple(&triple).map_err(|e| FrontendError::Internal(format!("LLVM has no x86-64 target: {e}")))?;
    let machine: TargetMachine = target
        .create_target_machine(&triple, "x86-64", "", OptimizationLevel::None, RelocMode::Default, CodeModel::Default)
        .ok_or_else(|| FrontendError::Internal("could not create an x86-64 target machine".into()))?;
    let options = PassBuilderOptions::create();
    module
        .run_passes(&NORMALISING_PASSES.join(","), &machine, options)
        .map_err(|e| FrontendError::Internal(format!("normalising passes failed: {e}")))
}
