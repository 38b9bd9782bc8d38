//! The IR dump (`Display` of `tessera_ir::Program`) of every accepted testdata program, as
//! loaded by the frontend with default options. Snapshots live in `snapshots/ir/`.

#[path = "../../tests/common/testdata.rs"]
mod testdata;

use tessera_frontend::{load_program, FrontendOptions};

#[test]
fn ir() {
    insta::glob!("../../testdata", "*.{c,rs,ll}", |path| {
        let program = testdata::parse_program(path).unwrap_or_else(|e| panic!("{e}"));
        let (ir, _entry) = load_program(path, &program.entry.name, &FrontendOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("../ir");
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!(ir.to_string()));
    });
}
