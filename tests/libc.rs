//! tessera's C library subset (frontend/runtime/libc.c): a program calling memcmp, memchr,
//! strlen, strcmp, strncmp, strcpy, strncpy, strchr, abs, malloc, calloc, realloc, free,
//! bcmp, strnlen, strrchr, strstr, strcat, strncat, toupper, tolower, atoi, atol or qsort
//! gets them linked in, agrees with the same program against the system's C library
//! natively, and proves; a program that defines one of them keeps its own.

use std::process::Command;

fn tessera(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tessera")).args(args).output().unwrap()
}

/// `src`'s entry `entry(const char *, uint32_t) -> uint32_t` on each text, natively against
/// glibc and by `tessera run` against tessera's libc.
fn agrees_with_native(src: &str, entry: &str, texts: &[&str], dir: &std::path::Path) {
    for text in texts {
        let hex: String = text.bytes().map(|b| format!("{b:02x}")).collect();
        let main = dir.join("main.c");
        std::fs::write(
            &main,
            format!(
                "#include <stdio.h>\n#include <stdint.h>\nuint32_t {entry}(const char *, uint32_t);\n\
                 int main(void) {{ printf(\"%u\\n\", {entry}(\"{text}\", {})); return 0; }}\n",
                text.len()
            ),
        )
        .unwrap();
        let exe = dir.join("native");
        let cc = Command::new("clang-19").args(["-O1", "-w", src]).arg(&main).arg("-o").arg(&exe).status().unwrap();
        assert!(cc.success());
        let native = String::from_utf8(Command::new(&exe).output().unwrap().stdout).unwrap();
        let n = text.len().to_string();
        let out = tessera(&["run", src, "--entry", entry, "--json", "--", &format!("hex:{hex}"), &n]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(j["return"]["unsigned"].as_str().unwrap(), native.trim(), "{entry} on {text}");
    }
}

#[test]
fn the_libc_subset_agrees_with_native() {
    let root = env!("CARGO_MANIFEST_DIR");
    let src = format!("{root}/tests/data/libc/strings.c");
    let dir = std::env::temp_dir().join(format!("tessera-libc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    agrees_with_native(&src, "strings", &["hello", "help!", "abc", "lollipop", "x"], &dir);
    let more = format!("{root}/tests/data/libc/more.c");
    agrees_with_native(&more, "more", &["hello", "hel", "lollipop", "42 is it", "x", "zyxwvutsrq", "0x1f rest", "-077"], &dir);
    // and it proves
    let proof = dir.join("l.proof");
    let arg = "hex:68656c6c6f";
    let p = tessera(&["prove", &src, "--entry", "strings", "-o", proof.to_str().unwrap(), "--quiet", "--", arg, "5"]);
    assert!(p.status.success(), "{}", String::from_utf8_lossy(&p.stderr));
    let v = tessera(&["verify", &src, "--entry", "strings", "--proof", proof.to_str().unwrap(), "--", arg, "5"]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_program_keeps_its_own_definition_and_links_only_what_it_needs() {
    let dir = std::env::temp_dir().join(format!("tessera-libc-own-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("own.c");
    std::fs::write(
        &src,
        "#include <stddef.h>\nint abs(int);\nsize_t strlen(const char *s) { (void)s; return 42; }\n\
         int f(const char *s) { return (int)strlen(s) + abs(-1); }\n",
    )
    .unwrap();
    let out = tessera(&["run", src.to_str().unwrap(), "--entry", "f", "--", "hex:00"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("return: i32 43"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let ir = tessera(&["dump", src.to_str().unwrap(), "--entry", "f", "--stage", "ir"]);
    let text = String::from_utf8_lossy(&ir.stdout);
    assert!(!text.contains("tessera_heap") && !text.contains("@memcmp"), "only abs is linked:\n{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `exit(n)` ends the run with status `n`, as natively; proving refuses it clearly.
#[test]
fn exit_ends_the_run_with_its_status() {
    let dir = std::env::temp_dir().join(format!("tessera-exit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("ex.c");
    std::fs::write(&src, "#include <stdlib.h>\nint f(int x) { if (x > 10) exit(x - 10); return x * 2; }\n").unwrap();
    let main = dir.join("main.c");
    std::fs::write(&main, "#include <stdio.h>\nint f(int);\nint main(void) { printf(\"%d\\n\", f(15)); return 0; }\n")
        .unwrap();
    let exe = dir.join("native");
    let cc = Command::new("clang-19").args(["-O1", "-w"]).arg(&src).arg(&main).arg("-o").arg(&exe).status().unwrap();
    assert!(cc.success());
    let native = Command::new(&exe).status().unwrap().code();
    assert_eq!(native, Some(5));
    let s = src.to_str().unwrap();
    let out = tessera(&["run", s, "--entry", "f", "--json", "--", "15"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["exit"], 5, "{j}");
    assert!(j["return"].is_null());
    let out = tessera(&["run", s, "--entry", "f", "--json", "--", "3"]);
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["return"]["unsigned"], "6");
    assert!(j.get("exit").is_none());
    let p = tessera(&["prove", s, "--entry", "f", "-o", dir.join("p").to_str().unwrap(), "--quiet", "--", "3"]);
    assert!(!p.status.success());
    let err = String::from_utf8_lossy(&p.stderr);
    assert!(err.contains("exit()") && !err.contains("panicked"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
