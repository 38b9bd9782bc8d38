#!/usr/bin/env python3
"""csmith differential tester for tessera; scripts/fuzz.sh is the way to run it.

For every seed: csmith writes a random C program (options in CSMITH_OPTIONS), the clang-19
preprocessor makes it self-contained with scripts/fuzz/csmith.h (csmith's checksum without
printf, entry `uint32_t tessera_main(void)`), clang-19 builds it natively at the same
optimisation level with scripts/fuzz/native_main.c, and `tessera run --json` interprets it.
Each seed is classified:

  match            tessera's return value is the native checksum
  wrong            tessera returned another value (or poison)
  check-failed     (--stage check, prove) a template's residual or the glue failed on the run
  invalid-proof    (--stage prove) proving failed, or the proof did not verify with the
                   native checksum as --expect
  panic            tessera panicked or died from a signal
  internal         tessera reported an internal error (a bug by its own account)
  trap             tessera stopped with a trap or undefined behaviour the native run did
                   not show (grouped by the trap)
  rejected         a clean rejection, grouped by the construct the error names
  tessera-timeout  the step limit or the wall-clock limit of `tessera run`
  native-timeout   the native run took longer than its limit (skipped)
  native-failure   csmith, the preprocessor or the native build or run failed (skipped)

Every seed that is not a match is written to OUT/<level>/<class>/seed-<S>.c with a
seed-<S>.txt holding the commands that reproduce it, the expected and the actual result;
OUT/<level>/summary.json has the counts and the seeds of every class and group.
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# The fixed csmith option set. No volatiles (tessera has no notion of them, and csmith's
# checksums are meaningless with them), no floats, no argc (main(void), so csmith never
# prints). Everything else csmith generates is on, named here so the set is explicit:
# bitfields, packed structs, unions, pointers, arrays, structs and unions passed and
# returned by value, 8- to 64-bit integers, divisions, multiplications, jumps, and csmith's
# safe-math wrappers (which keep the programs free of undefined behaviour). csmith never
# generates recursion.
CSMITH_OPTIONS = [
    "--no-volatiles",
    "--no-volatile-pointers",
    "--no-float",
    "--no-argc",
    "--no-builtins",
    "--bitfields",
    "--packed-struct",
    "--unions",
    "--structs",
    "--pointers",
    "--arrays",
    "--int8",
    "--uint8",
    "--longlong",
    "--math64",
    "--divs",
    "--muls",
    "--jumps",
    "--safe-math",
]

CLASSES = [
    "match",
    "wrong",
    "check-failed",
    "invalid-proof",
    "panic",
    "internal",
    "trap",
    "rejected",
    "tessera-timeout",
    "native-timeout",
    "native-failure",
]

STAGES = ("run", "check", "prove")


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="scripts/fuzz.sh",
        description="Differential testing of tessera against native clang-19 on csmith programs.",
        epilog=(
            "Stages: run (tessera run against the native result); check (also every template's "
            "residuals and the glue on the run); prove (also a proof that verifies and proves the "
            "native checksum). Exit status: 0 when no seed is wrong, panics, hits an internal "
            "error, fails check or gives an invalid proof; 1 otherwise; 2 on a usage error."
        ),
    )
    p.add_argument("--count", type=int, default=100, help="number of seeds (default 100)")
    p.add_argument("--seed", type=int, default=1, help="first seed; seeds are S, S+1, ... (default 1)")
    p.add_argument("--seeds", help="comma-separated seeds to run instead of --seed/--count")
    p.add_argument("--stage", default="run", choices=STAGES,
                   help="what tessera must agree on: run (tessera run gives the native checksum), check (also: "
                        "every template satisfied and the glue identities hold), prove (also: a proof that "
                        "verifies with --expect <native checksum>)")
    p.add_argument("--grouping", default="region", help="grouping for check and prove: opcode, block or region")
    p.add_argument("--opt-level", default="O1", help="O0, O1, O2, O3, Os or Oz, for clang and tessera alike (default O1)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="seeds run in parallel (default: the number of CPUs)")
    p.add_argument("--out", default=str(ROOT / "fuzz-out"), help="where non-matching seeds go (default fuzz-out/)")
    p.add_argument("--tessera", help="the tessera binary (default: target/release/tessera, built first)")
    p.add_argument("--max-steps", type=int, default=100_000_000, help="tessera's instruction limit per run (default 100000000)")
    p.add_argument("--timeout", type=float, default=120.0, help="wall-clock limit of one tessera run in seconds (default 120)")
    p.add_argument("--native-timeout", type=float, default=5.0, help="limit of one native run in seconds (default 5)")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    a = p.parse_args(argv)
    if a.opt_level.lstrip("-") not in ("O0", "O1", "O2", "O3", "Os", "Oz"):
        p.error(f"optimisation level '{a.opt_level}' (expected O0, O1, O2, O3, Os or Oz)")
    a.opt_level = a.opt_level.lstrip("-")
    if a.seeds:
        try:
            a.seed_list = [int(s) for s in a.seeds.split(",") if s.strip()]
        except ValueError:
            p.error(f"--seeds takes integers separated by commas, got '{a.seeds}'")
    else:
        if a.count < 1:
            p.error("--count must be at least 1")
        a.seed_list = list(range(a.seed, a.seed + a.count))
    return a


def run(cmd, timeout, cwd=None):
    """(returncode or None on timeout, stdout, stderr, seconds)."""
    start = time.monotonic()
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, cwd=cwd)
        return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace"), time.monotonic() - start
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        err = (e.stderr or b"").decode(errors="replace")
        return None, out, err, time.monotonic() - start


def error_line(stderr):
    """tessera's message: the text after `error: ` (first line), or the last line."""
    for line in stderr.splitlines():
        if line.startswith("error: "):
            return line[len("error: "):].strip()
    lines = [l for l in stderr.splitlines() if l.strip()]
    return lines[-1].strip() if lines else ""


def normalise(text):
    """A message with its program-specific parts (names, numbers) removed, for grouping."""
    text = re.sub(r"\((call to )?'[^']*'\)", "", text)
    text = re.sub(r"'[^']*'", "'…'", text)
    text = re.sub(r"\bi\d+\b", "iN", text)
    text = re.sub(r"0x[0-9a-fA-F]+|\b\d+\b", "N", text)
    return re.sub(r"\s+", " ", text).strip()


def classify_error(msg):
    """(class, group) of a failed tessera run from its error message."""
    if msg.startswith("unsupported: "):
        construct = msg[len("unsupported: "):].split(" in function '")[0]
        return "rejected", normalise(construct)
    if msg.startswith("recursion is not supported"):
        return "rejected", "recursion"
    if msg.startswith("unsupported target"):
        return "rejected", normalise(msg)
    if "internal error" in msg:
        return "internal", normalise(msg.split(" in function '")[0])[:160]
    if msg.startswith("step limit of"):
        return "tessera-timeout", "step limit"
    return "trap", normalise(msg.split(" in function '")[0])


class Fuzzer:
    def __init__(self, args, tessera):
        self.a = args
        self.tessera = tessera
        self.out = Path(args.out).resolve() / args.opt_level
        self.work = self.out / "work"
        self.clang = os.environ.get("CLANG", "clang-19")
        self.csmith = os.environ.get("CSMITH", "csmith")

    def tessera_cmd(self, prog):
        return [
            str(self.tessera), "run", str(prog), "--entry", "tessera_main", "--opt-level", self.a.opt_level,
            "--json", "--max-steps", str(self.a.max_steps),
        ]

    def native_cmds(self, prog, exe):
        build = [self.clang, f"-{self.a.opt_level}", "-w", str(prog), str(HERE / "native_main.c"), "-o", str(exe)]
        return build, [str(exe)]

    def one(self, seed):
        d = self.work / f"seed-{seed}"
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        raw, prog, exe = d / "csmith.c", d / f"seed-{seed}.c", d / "native"
        res = {"seed": seed, "class": None, "group": "", "expected": None, "got": None, "detail": ""}

        def done(cls, group="", detail=""):
            res.update({"class": cls, "group": group, "detail": detail})
            if cls != "match":
                self.keep(res, prog)
            shutil.rmtree(d, ignore_errors=True)
            return res

        # csmith writes platform.info into its working directory.
        rc, _, err, _ = run([self.csmith, "--seed", str(seed), *CSMITH_OPTIONS, "-o", str(raw)], 60, cwd=d)
        if rc != 0:
            return done("native-failure", "csmith failed", err[-2000:])
        # Self-contained: our csmith.h (first on the path), csmith's safe_math.h, libc headers.
        rc, _, err, _ = run([self.clang, "-E", "-P", "-I", str(HERE), str(raw), "-o", str(prog)], 60)
        if rc != 0:
            return done("native-failure", "preprocessing failed", err[-2000:])
        build, native = self.native_cmds(prog, exe)
        rc, _, err, _ = run(build, 120)
        if rc != 0:
            return done("native-failure", "native build failed", err[-2000:])
        rc, out, err, _ = run(native, self.a.native_timeout)
        if rc is None:
            return done("native-timeout", f"over {self.a.native_timeout:g} s")
        if rc != 0 or not out.strip().isdigit():
            return done("native-failure", "native run failed", f"exit {rc}\n{out[-1000:]}{err[-1000:]}")
        res["expected"] = int(out.strip())

        rc, out, err, secs = run(self.tessera_cmd(prog), self.a.timeout)
        res["seconds"] = round(secs, 2)
        if rc is None:
            return done("tessera-timeout", f"over {self.a.timeout:g} s")
        if rc < 0 or "panicked at" in err:
            lines = [l for l in err.splitlines() if "panicked at" in l]
            where = lines[0] if lines else f"signal {-rc}"
            msg = err.split("panicked at", 1)[-1].splitlines()[1:2]
            return done("panic", normalise(where + (": " + msg[0] if msg else "")), err[-4000:])
        if rc != 0:
            cls, group = classify_error(error_line(err))
            return done(cls, group, err[-4000:])
        try:
            ret = json.loads(out)["return"]
        except (ValueError, KeyError, TypeError):
            return done("wrong", "unreadable output", out[-2000:] + err[-2000:])
        if ret is None or ret.get("poison"):
            res["got"] = "poison" if ret else "void"
            return done("wrong", f"returned {res['got']}")
        res["got"] = int(ret["unsigned"])
        if res["got"] != res["expected"]:
            return done("wrong", "different checksum")
        if self.a.stage == "run":
            return done("match")
        return self.later_stages(prog, d, res, done)

    def stage_cmds(self, prog, proof):
        common = ["--entry", "tessera_main", "--opt-level", self.a.opt_level, "--grouping", self.a.grouping]
        check = [str(self.tessera), "check", str(prog), *common, "--json"]
        prove = [str(self.tessera), "prove", str(prog), *common, "-o", str(proof), "--quiet"]
        verify = [str(self.tessera), "verify", str(prog), *common, "--proof", str(proof), "--json"]
        return check, prove, verify

    def later_stages(self, prog, d, res, done):
        """check: every template satisfied and the glue holds; prove: the proof verifies and
        proves the native checksum."""
        check, prove, verify = self.stage_cmds(prog, d / "p.proof")
        rc, out, err, _ = run(check, self.a.timeout)
        if rc is None:
            return done("tessera-timeout", f"check over {self.a.timeout:g} s")
        if rc < 0 or "panicked at" in err:
            return done("panic", normalise("check: " + error_line(err)), err[-4000:])
        try:
            j = json.loads(out)
        except ValueError:
            j = None
        if j is None:
            cls, group = classify_error(error_line(err))
            if cls == "rejected":
                return done("rejected", "check: " + group, err[-4000:])
            return done("check-failed", normalise(error_line(err)), err[-4000:])
        if not j.get("ok"):
            bad = [t["status"] for t in j.get("templates", []) if not t.get("ok")]
            what = bad[0] if bad else str(j.get("glue", {}).get("error"))
            return done("check-failed", normalise(what), out[-4000:])
        if self.a.stage == "check":
            return done("match")
        rc, out, err, _ = run(prove, self.a.timeout)
        if rc is None:
            return done("tessera-timeout", f"prove over {self.a.timeout:g} s")
        if rc != 0:
            if rc < 0 or "panicked at" in err:
                return done("panic", normalise("prove: " + error_line(err)), err[-4000:])
            return done("invalid-proof", normalise("prove: " + error_line(err)), err[-4000:])
        rc, out, err, _ = run(verify + ["--expect", str(res["expected"]), "--"], self.a.timeout)
        if rc is None:
            return done("tessera-timeout", f"verify over {self.a.timeout:g} s")
        if rc != 0:
            if rc < 0 or "panicked at" in err:
                return done("panic", normalise("verify: " + error_line(err)), err[-4000:])
            return done("invalid-proof", normalise(error_line(err)), out[-2000:] + err[-2000:])
        return done("match")

    def keep(self, res, prog):
        """Writes a non-match's program and how to reproduce it under OUT/<class>/."""
        d = self.out / res["class"]
        d.mkdir(parents=True, exist_ok=True)
        seed = res["seed"]
        kept = d / f"seed-{seed}.c"
        if prog.exists():
            shutil.copy(prog, kept)
        build, _ = self.native_cmds(kept, d / f"seed-{seed}.native")
        lines = [
            f"seed {seed}: {res['class']}" + (f" ({res['group']})" if res["group"] else ""),
            f"expected (native): {res['expected']}",
            f"got (tessera):     {res['got']}",
            "",
            "# regenerate the program (optional, it is kept beside this file)",
            f"{self.csmith} --seed {seed} {' '.join(CSMITH_OPTIONS)} -o csmith.c",
            f"{self.clang} -E -P -I {HERE} csmith.c -o {kept}",
            "# native",
            " ".join(build) + f" && {d / f'seed-{seed}.native'}",
            "# tessera",
            " ".join(self.tessera_cmd(kept)),
        ]
        if self.a.stage != "run":
            check, prove, verify = self.stage_cmds(kept, d / f"seed-{seed}.proof")
            lines += [" ".join(check)]
            if self.a.stage == "prove":
                lines += [" ".join(prove), " ".join(verify + ["--expect", str(res["expected"]), "--"])]
        if res["detail"]:
            lines += ["", "# output", res["detail"].rstrip()]
        (d / f"seed-{seed}.txt").write_text("\n".join(lines) + "\n")


def find_tessera(args):
    if args.tessera:
        t = Path(args.tessera)
        if not t.exists():
            sys.exit(f"error: no tessera binary at {t}")
        return t.resolve()
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    r = subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "tessera"], cwd=ROOT)
    if r.returncode != 0:
        sys.exit("error: cargo build --release failed")
    return (target / "release" / "tessera").resolve()


def main(argv):
    args = parse_args(argv)
    for tool in (os.environ.get("CSMITH", "csmith"), os.environ.get("CLANG", "clang-19")):
        if shutil.which(tool) is None:
            sys.exit(f"error: {tool} not found; scripts/install-deps.sh installs it")
    tessera = find_tessera(args)
    fz = Fuzzer(args, tessera)
    fz.out.mkdir(parents=True, exist_ok=True)
    for c in CLASSES[1:]:
        shutil.rmtree(fz.out / c, ignore_errors=True)
    start = time.monotonic()
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for r in pool.map(fz.one, args.seed_list):
            results.append(r)
            if not args.json:
                print(f"seed {r['seed']}: {r['class']}" + (f" ({r['group']})" if r["group"] else ""), flush=True)
    shutil.rmtree(fz.work, ignore_errors=True)

    counts = {c: sum(1 for r in results if r["class"] == c) for c in CLASSES}
    groups = {}
    for r in results:
        if r["class"] not in ("match",):
            groups.setdefault(r["class"], {}).setdefault(r["group"], []).append(r["seed"])
    summary = {
        "stage": args.stage,
        "opt_level": args.opt_level,
        "seeds": len(results),
        "seconds": round(time.monotonic() - start, 1),
        "counts": counts,
        "groups": groups,
        "csmith_options": CSMITH_OPTIONS,
        "out": str(fz.out),
        "results": [{k: r.get(k) for k in ("seed", "class", "group", "expected", "got", "seconds")} for r in results],
    }
    (fz.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    if args.json:
        print(json.dumps({k: v for k, v in summary.items() if k != "results"}))
    else:
        print()
        print(f"{len(results)} seeds at {args.opt_level} (stage {args.stage}) in {summary['seconds']} s:")
        for c in CLASSES:
            if counts[c]:
                print(f"  {c:<16} {counts[c]}")
                for g, seeds in sorted(groups.get(c, {}).items(), key=lambda kv: -len(kv[1])):
                    shown = ", ".join(map(str, seeds[:8])) + (", ..." if len(seeds) > 8 else "")
                    print(f"      {len(seeds):>4}  {g or '-'}  [seeds {shown}]")
        if any(counts[c] for c in CLASSES[1:]):
            print(f"non-matching seeds and how to reproduce them: {fz.out}/<class>/seed-<S>.txt")
    bad = counts["wrong"] + counts["panic"] + counts["internal"] + counts["check-failed"] + counts["invalid-proof"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
