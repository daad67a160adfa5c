#!/usr/bin/env python3
"""Times gostack asm against Go 1.19's asm on the standard-library corpus, side by side.

Each file of tests/diff/corpusA.manifest is assembled one process per file, exactly as
`go build` runs the assembler (same flags, object written to a temporary directory), by both
assemblers in alternation, --reps times. Per file the median wall time and the median CPU time
(user+sys of the child, from wait4: much less disturbed by other load on the machine) are
reported with the speedup Go/gostack, then the totals and the medians over all files. A file
gostack fails on is marked FAIL (its time counts all the same: it is what the user waits for).
One process at a time, so timings don't compete. Processes are started with posix_spawn, so
the script adds as little as it can to each; `true` started the same way shows the floor,
`gostack version` (our binary's start and exit with no work) the least any file can take, so
the best ratio the machine allows, and an empty static C program (built with cc if there is
one) what the C library's start-up alone costs. With Go's asm's own start (`asm -V=full`) the
script also compares the median file's time beyond each assembler's start.

Usage: bench/corpus_bench.py [--gostack build/release/gostack] [--reps 5] [--only TEXT] [--listing]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchutil  # noqa: E402
from benchutil import run_diff  # noqa: E402  (manifest reading)


def timed(cmd, cwd, fresh=None):
    """(wall seconds, CPU seconds, exit status) of one run of cmd in cwd, output discarded.
    `fresh` (the -o file) is removed before the run: go build writes every object into a new
    directory, and truncating a file just written costs ext4 a flush (auto_da_alloc) that
    would be timed for whichever tool came second."""
    if fresh and os.path.exists(fresh):
        os.unlink(fresh)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        old = os.getcwd()
        os.chdir(cwd)
        try:
            t0 = time.perf_counter()
            pid = os.posix_spawn(cmd[0], cmd, os.environ,
                                 file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                               (os.POSIX_SPAWN_DUP2, devnull, 2)])
            _, status, ru = os.wait4(pid, 0)
            wall = time.perf_counter() - t0
        finally:
            os.chdir(old)
    finally:
        os.close(devnull)
    return wall, ru.ru_utime + ru.ru_stime, os.waitstatus_to_exitcode(status)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    run_diff.add_oracle_args(ap)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--only", help="only files whose path contains this text")
    ap.add_argument("--listing", action="store_true", help="add -S (time the listing too)")
    opts = ap.parse_args()

    work = os.path.abspath(opts.work)
    goasm, err = benchutil.prepare(opts.goroot, work)
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
            obj = os.path.join(tmp, "out.o")
            args += ["-o", obj, "./" + os.path.basename(file)]
            cwd = os.path.join(opts.goroot, "src", os.path.dirname(file))
            go_w, go_c, our_w, our_c, our_rc = [], [], [], [], 0
            for _ in range(opts.reps):
                w, c, _ = timed([goasm] + args, cwd, obj)
                go_w.append(w)
                go_c.append(c)
                w, c, our_rc = timed([os.path.abspath(opts.gostack), "asm"] + args, cwd, obj)
                our_w.append(w)
                our_c.append(c)
            med = statistics.median
            rows.append((file, med(go_w), med(our_w), med(go_c), med(our_c), our_rc))
        floor = statistics.median(timed(["/bin/true"], tmp)[0] for _ in range(20))

        def start_of(cmd):
            """Median wall and CPU seconds of a process that starts and exits at once (after
            five runs that warm the page cache for a binary just built)."""
            runs = [timed(cmd, tmp) for _ in range(55)][5:]
            return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)

        # gostack's own start and exit, with no assembly: no file can take less. Go's asm's
        # (-V=full prints its version); and an empty static C program's, what the C library's
        # start-up costs on this machine, if a C compiler is at hand.
        start_w, start_c = start_of([os.path.abspath(opts.gostack), "version"])
        go_start_w, go_start_c = start_of([goasm, "-V=full"])
        empty_c = None
        cc = shutil.which("cc")
        if cc:
            with open(os.path.join(tmp, "empty.c"), "w") as f:
                f.write("int main(void) { return 0; }\n")
            exe = os.path.join(tmp, "empty")
            if subprocess.run([cc, "-O2", "-static", "-o", exe, os.path.join(tmp, "empty.c")],
                              capture_output=True).returncode == 0:
                empty_c = start_of([exe])

    def ratio(g, o):
        return g / o if o else float("inf")

    print("%-62s %8s %8s %6s  %8s %8s %6s" % ("file (median of %d runs; ms)" % opts.reps, "go wall",
                                             "ours", "go/us", "go CPU", "ours", "go/us"))
    for file, gw, ow, gc, oc, rc in rows:
        print("%-62s %8.2f %8.2f %6.1f  %8.2f %8.2f %6.1f%s" % (
            file, gw * 1e3, ow * 1e3, ratio(gw, ow), gc * 1e3, oc * 1e3, ratio(gc, oc),
            "  FAIL" if rc else ""))
    sums = [sum(r[i] for r in rows) for i in range(1, 5)]
    meds = [statistics.median(r[i] for r in rows) for i in range(1, 5)] if rows else [0] * 4
    for label, (gw, ow, gc, oc) in (("total (%d files, %d gostack failures)" % (
            len(rows), sum(1 for r in rows if r[5])), sums), ("median file", meds)):
        print("%-62s %8.2f %8.2f %6.1f  %8.2f %8.2f %6.1f" % (
            label, gw * 1e3, ow * 1e3, ratio(gw, ow), gc * 1e3, oc * 1e3, ratio(gc, oc)))
    print("process start floor: /bin/true takes %.2f ms wall when started the same way" % (floor * 1e3))
    print("gostack's start floor (`gostack version`): %.2f ms wall, %.2f ms CPU; the best median "
          "ratio this machine allows: %.1fx wall, %.1fx CPU" % (
              start_w * 1e3, start_c * 1e3, ratio(meds[0], start_w), ratio(meds[2], start_c)))
    if empty_c:
        print("an empty static C program: %.2f ms wall, %.2f ms CPU (the C library's start-up)" % (
            empty_c[0] * 1e3, empty_c[1] * 1e3))
    print("Go's asm start floor (`asm -V=full`): %.2f ms wall, %.2f ms CPU; beyond each one's start, "
          "the median file takes Go %.2f ms CPU and gostack %.2f ms CPU (%.1fx)" % (
              go_start_w * 1e3, go_start_c * 1e3, (meds[2] - go_start_c) * 1e3,
              (meds[3] - start_c) * 1e3, ratio(meds[2] - go_start_c, meds[3] - start_c)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
