#!/usr/bin/env python3
"""In-process assembler throughput over the stdlib corpus, with Go's asm for reference.

Writes the file list of tests/diff/corpusA.manifest and corpusA_tags.manifest (sources from
GOROOT, go_asm.h headers generated as tests/diff/run_diff.py does) and runs
asm_throughput_bench on it: every file assembled in one process, repeatedly, on one thread,
reported as source lines per second (the '\\n' count of the listed files, headers not counted).
For reference, Go's asm binary assembles the same files one process per file (it has no
in-process mode); its lines per second include its process start.

Usage: bench/asm_throughput.py [--bench build/release/bench/asm_throughput_bench] [--seconds 3]
       bench/asm_throughput.py --write-list FILE   (only write the file list, e.g. for
       `valgrind --tool=callgrind asm_throughput_bench FILE --seconds 0 --min-reps 1`)
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchutil  # noqa: E402
from benchutil import run_diff  # noqa: E402  (manifest reading)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench", default=os.path.join(ROOT, "build", "release", "bench",
                                                    "asm_throughput_bench"))
    run_diff.add_oracle_args(ap, gostack=False)
    ap.add_argument("--seconds", default="3")
    ap.add_argument("--no-go", action="store_true", help="skip the Go reference run")
    ap.add_argument("--write-list", metavar="FILE", help="write the file list to FILE and stop")
    opts = ap.parse_args()

    work = os.path.abspath(opts.work)
    goasm, err = benchutil.prepare(opts.goroot, work)
    if err:
        print(err)
        return 1
    pkginclude = os.path.join(opts.goroot, "pkg", "include")
    entries = []
    for manifest in ("corpusA.manifest", "corpusA_tags.manifest"):
        entries += run_diff.read_manifest(os.path.join(ROOT, "tests", "diff", manifest))

    with tempfile.TemporaryDirectory() as tmp:
        listing = opts.write_list or os.path.join(tmp, "files.txt")
        with open(listing, "w") as f:
            for file, pkg, flags, hdr in entries:
                inc = os.path.join(work, hdr) if hdr != "-" else "-"
                f.write("\t".join([os.path.join(opts.goroot, "src", file), pkg,
                                   "1" if "-compiling-runtime" in flags else "0", inc,
                                   pkginclude]) + "\n")
        if opts.write_list:
            return 0
        r = subprocess.run([opts.bench, listing, "--seconds", opts.seconds])
        if r.returncode != 0:
            return r.returncode
        if opts.no_go:
            return 0
        lines = 0
        t0 = time.perf_counter()
        for file, pkg, flags, hdr in entries:
            src = os.path.join(opts.goroot, "src", file)
            with open(src, "rb") as f:
                lines += f.read().count(b"\n")
            inc = os.path.join(work, hdr) if hdr != "-" else os.path.join(tmp)
            args = ["-p", pkg, "-I", inc, "-I", pkginclude, "-D", "GOOS_linux", "-D",
                    "GOARCH_amd64"] + flags + ["-D", "GOAMD64_v1", "-o",
                                               os.path.join(tmp, "out.o"), "./" + os.path.basename(src)]
            subprocess.run([goasm] + args, cwd=os.path.dirname(src), check=True)
        dt = time.perf_counter() - t0
        print("Go's asm, one process per file: %.0f ms for %d lines, %.0f lines/s"
              % (dt * 1e3, lines, lines / dt))
    return 0


if __name__ == "__main__":
    sys.exit(main())
