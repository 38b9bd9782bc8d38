//! `tessera`: compile programs into data-parallel arithmetic circuits and prove them with GKR.
//!
//! The CLI renders errors; the library crates never print. Every failure exits non-zero with
//! one message on stderr.

mod args;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use tessera_frontend::FrontendOptions;
use tessera_ir::exec::{self, ExecOptions};
use tessera_ir::types::sext;

#[derive(Parser)]
#[command(name = "tessera", version, about = "Compile programs into data-parallel arithmetic circuits and prove them with GKR")]
struct Cli {
    #[command(subcommand)]
    cmd: Command,
}

/// Options shared by every command that reads a program.
#[derive(clap::Args, Clone)]
struct ProgramOpts {
    /// The program: .c, .rs, .ll or .bc.
    program: PathBuf,
    /// The entry function: C name, Rust #[no_mangle] name, or demangled path.
    #[arg(long)]
    entry: String,
    /// Optimisation level for C and Rust sources (O0, O1, O2, O3, Os, Oz).
    #[arg(long, default_value = "O1")]
    opt_level: String,
}

#[derive(Subcommand)]
enum Command {
    /// Run a program's entry function in the interpreter.
    Run {
        #[command(flatten)]
        prog: ProgramOpts,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Stop after this many executed instructions.
        #[arg(long, default_value_t = 200_000_000)]
        max_steps: u64,
        /// Arguments of the entry function: integers (decimal or 0x hex), or for pointer
        /// parameters `hex:<bytes>` / `file:<path>`.
        #[arg(last = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn load(p: &ProgramOpts) -> Result<(tessera_ir::Program, tessera_ir::Func), String> {
    let opts = FrontendOptions { opt_level: p.opt_level.clone(), ..FrontendOptions::default() };
    tessera_frontend::load_program(&p.program, &p.entry, &opts).map_err(|e| e.to_string())
}

fn dispatch(cli: Cli) -> Result<(), String> {
    match cli.cmd {
        Command::Run { prog, json, max_steps, args } => cmd_run(&prog, json, max_steps, &args),
    }
}

fn cmd_run(prog: &ProgramOpts, json: bool, max_steps: u64, texts: &[String]) -> Result<(), String> {
    let (program, entry) = load(prog)?;
    let f = &program.funcs[entry];
    let args = args::parse_args(f, texts)?;
    let opts = ExecOptions { max_instructions: max_steps, ..ExecOptions::default() };
    let out = exec::run(&program, entry, &args, &opts).map_err(|e| e.to_string())?;
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    if json {
        let ret = match out.ret {
            Some((ty, v)) => serde_json::json!({
                "type": ty.to_string(),
                "unsigned": v.to_string(),
                "signed": sext(v, ty.bits()).to_string(),
            }),
            None => serde_json::Value::Null,
        };
        let obj = serde_json::json!({
            "return": ret,
            "instructions": out.instructions,
            "blocks": out.blocks,
            "buffers": out.buffers.iter().map(|b| hex(b)).collect::<Vec<_>>(),
        });
        println!("{obj}");
    } else {
        match out.ret {
            Some((ty, v)) => println!("return: {ty} {v} (signed {})", sext(v, ty.bits())),
            None => println!("return: void"),
        }
        println!("instructions: {}", out.instructions);
        println!("blocks: {}", out.blocks);
        for (i, b) in out.buffers.iter().enumerate() {
            println!("buffer {i}: {}", hex(b));
        }
    }
    Ok(())
}
