#!/usr/bin/env python3
"""Times gostack asm against Go 1.19's asm on the standard-library corpus, side by side.

Each file of tests/diff/corpusA.manifest is assembled one process per file, exactly as
`go build` runs the assembler (same flags, object written to a temporary directory), by both
assemblers in alternation, --reps times; the median wall time per file is reported with the
ratio gostack/Go, then the totals. A file gostack fails on is marked FAIL (its time counts
all the same: it is what the user waits for). One process at a time, so timings don't compete.

Usage: bench/corpus_bench.py [--gostack build/release/gostack] [--reps 5] [--only TEXT] [--listing]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "diff"))
import run_diff  # noqa: E402  (manifest reading and go_asm.h generation)


def timed(cmd, cwd):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, r.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gostack", default=os.path.join(ROOT, "build", "release", "gostack"))
    ap.add_argument("--goroot", default=os.environ.get("GOROOT", "/usr/lib/go-1.19"))
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "diff"))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--only", help="only files whose path contains this text")
    ap.add_argument("--listing", action="store_true", help="add -S (time the listing too)")
    opts = ap.parse_args()

    goasm = os.path.join(opts.goroot, "pkg", "tool", "linux_amd64", "asm")
    if not os.path.exists(goasm):
        print("Go 1.19 not found under %s" % opts.goroot)
        return 1
    work = os.path.abspath(opts.work)
    os.makedirs(os.path.join(work, "empty"), exist_ok=True)
    for variant in run_diff.HEADER_VARIANTS:
        err = run_diff.make_header(opts.goroot, work, variant)
        if err:
            print(err)
            return 1

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for file, pkg, flags, hdr in run_diff.read_manifest(
                os.path.join(ROOT, "tests", "diff", "corpusA.manifest")):
            if opts.only and opts.only not in file:
                continue
            inc = os.path.join(work, hdr) if hdr != "-" else os.path.join(work, "empty")
            args = ["-p", pkg, "-trimpath", inc + "=>", "-I", inc, "-I",
                    os.path.join(opts.goroot, "pkg", "include"), "-D", "GOOS_linux",
                    "-D", "GOARCH_amd64"] + flags + ["-D", "GOAMD64_v1"]
            if opts.listing:
                args.append("-S")
            args += ["-o", os.path.join(tmp, "out.o"), "./" + os.path.basename(file)]
            cwd = os.path.join(opts.goroot, "src", os.path.dirname(file))
            go_t, our_t, our_rc = [], [], 0
            for _ in range(opts.reps):
                t, _ = timed([goasm] + args, cwd)
                go_t.append(t)
                t, our_rc = timed([os.path.abspath(opts.gostack), "asm"] + args, cwd)
                our_t.append(t)
            rows.append((file, statistics.median(go_t), statistics.median(our_t), our_rc))

    print("%-66s %9s %9s %7s" % ("file (median of %d runs)" % opts.reps, "go ms", "gostack ms", "ratio"))
    for file, g, o, rc in rows:
        print("%-66s %9.2f %9.2f %7.2f%s" % (file, g * 1e3, o * 1e3, o / g, "  FAIL" if rc else ""))
    tg, to = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print("%-66s %9.1f %9.1f %7.2f" % ("total (%d files, %d gostack failures)"
                                        % (len(rows), sum(1 for r in rows if r[3])), tg * 1e3,
                                        to * 1e3, to / tg if tg else 0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
