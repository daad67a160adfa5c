#!/usr/bin/env python3
"""Times the gostack runtime against Go 1.19's runtime, side by side in one run, as ratios.

Go's side is the peer program go-runtime-bench (one mode per process, "key value" lines,
GOMAXPROCS=1); gostack's side is the assembled programs in bench/runtime/*_amd64.s run with
`gostack run -maxprocs 1`, which print raw counts and nanoseconds that this script turns into
the same per-operation figures. Both are run --reps times, alternating, and the medians are
compared: ratio = gostack / Go (lower is better; the issues' goals are listed beside them).

  spawn   spawn+finish of 1e6 goroutines in flight (cold = first round, warm = later rounds)
          and in batches of 1000 (issue 5 / issue 6: goal <= 0.5x)
  grow    one goroutine 2 KiB -> 1 MiB and -> 64 MiB in 64-byte frames: growth cost = first
          recursion minus the same recursion on the grown stack (issue 5: goal <= 0.5x)
  gosched Gosched ping-pong between two goroutines, ns per switch (issue 6: goal <= 0.5x)
  chan    unbuffered channel round trip between main and an echo goroutine (issue 6: <= 0.7x)
  park    resident memory per goroutine parked on a channel receive, 1e6 of them: gostack's
          figure is (rss_bytes with N parked - rss_bytes with none) / N from two runs' -stats,
          Go's is its in-process RSS difference (issue 6: goal <= 0.85x)

Usage: bench/runtime_vs_go.py [--gostack build/release/gostack] [--peer DIR] [--reps 3]
       [--modes spawn,grow,gosched,chan,park]
The peer's default directory is ../shared/reference/peers/go-runtime-bench beside the
repository; without it (or without Go) only gostack's figures are printed.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench", "runtime")


def run_lines(cmd, env=None, stream="stdout"):
    """Runs cmd and returns its "key value" lines as a list of (key, float)."""
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (r.returncode, " ".join(cmd), r.stderr[-2000:]))
    out = []
    for line in (r.stdout if stream == "stdout" else r.stderr).splitlines():
        parts = line.replace(":", "").split()
        if len(parts) == 2:
            try:
                out.append((parts[0], float(parts[1])))
            except ValueError:
                pass
    return out


def values(lines, key):
    return [v for k, v in lines if k == key]


# ---- gostack's side: each function returns {figure: value} for one process run ----------

def gostack_run(opts, prog, defines):
    cmd = [opts.gostack, "run", "-maxprocs", "1", "-stats", "-I", BENCH]
    for d in defines:
        cmd += ["-D", d]
    return run_lines(cmd + [os.path.join(BENCH, prog)], stream="stderr")


def ours_spawn(opts):
    n = opts.n
    lines = gostack_run(opts, "spawn_amd64.s", ["N=%d" % n])
    alls, batches = values(lines, "spawn_all"), values(lines, "spawn_batch")
    return {"spawn_cold_ns": alls[0] / n, "spawn_warm_ns": statistics.median(alls[1:]) / n,
            "spawn_batch1000_ns": statistics.median(batches) / n}


def grow_figures(first, second, tag):
    growth = [f - s for f, s in zip(first, second)]
    return {"grow_%s_growth_cold_ns" % tag: growth[0],
            "grow_%s_growth_ns" % tag: statistics.median(growth[1:])}


def ours_grow(opts):
    res = {}
    for tag, used, reps in (("1M", 1 << 20, 6), ("64M", 64 << 20, 4)):
        depth = used // 64 - 32  # as the peer: ~64 B per frame, a little below the power of two
        lines = gostack_run(opts, "grow_amd64.s", ["DEPTH=%d" % depth, "REPS=%d" % reps])
        res.update(grow_figures(values(lines, "grow_first"), values(lines, "grow_second"), tag))
    return res


def ours_gosched(opts):
    lines = gostack_run(opts, "gosched_amd64.s", ["N=%d" % opts.n])
    return {"gosched_ns_per_switch":
            values(lines, "gosched_total")[0] / values(lines, "gosched_switches")[0]}


def ours_chan(opts):
    lines = gostack_run(opts, "chan_amd64.s", ["N=%d" % opts.n])
    n = values(lines, "chan_roundtrips")[0]
    if values(lines, "chan_sum")[0] != n * (n + 1) / 2:
        sys.exit("chan_amd64.s: wrong sum of echoed values")
    return {"chan_rt_ns_p1": values(lines, "chan_total")[0] / n}


def ours_park(opts):
    rss = []
    for n in (0, opts.n):
        lines = gostack_run(opts, "park_amd64.s", ["N=%d" % n])
        if values(lines, "park_goroutines") != [n]:
            sys.exit("park_amd64.s: not all goroutines started")
        rss.append(values(lines, "rss_bytes")[0])
    return {"park_rss_B_per_g": (rss[1] - rss[0]) / opts.n}


# ---- Go's side ------------------------------------------------------------------------------

def build_peer(opts, tmp):
    if not opts.peer or not os.path.isdir(opts.peer) or not os.path.exists(opts.go):
        return None
    exe = os.path.join(tmp, "gobench")
    env = dict(os.environ, GOCACHE=os.path.join(tmp, "gocache"), GOPATH=os.path.join(tmp, "gopath"),
               GOFLAGS="-mod=mod", GO111MODULE="on", CGO_ENABLED="0", GOTOOLCHAIN="local")
    src = os.path.join(tmp, "src")
    shutil.copytree(opts.peer, src)
    r = subprocess.run([opts.go, "build", "-o", exe, "."], cwd=src, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        print("building the Go peer failed:\n" + r.stdout)
        return None
    return exe


def go_mode(exe, mode, n):
    env = dict(os.environ, GOMAXPROCS="1")
    return dict(run_lines([exe, "-mode", mode, "-n", str(n)], env=env))


GOALS = {"spawn": 0.5, "grow": 0.5, "gosched": 0.5, "chan": 0.7, "park": 0.85}
OURS = {"spawn": ours_spawn, "grow": ours_grow, "gosched": ours_gosched, "chan": ours_chan,
        "park": ours_park}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gostack", default=os.path.join(ROOT, "build", "release", "gostack"))
    ap.add_argument("--peer", default=os.path.join(os.path.dirname(ROOT), "shared", "reference",
                                                   "peers", "go-runtime-bench"))
    ap.add_argument("--go", default="/usr/lib/go-1.19/bin/go")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--n", type=int, default=1000000, help="goroutines / switches per run")
    ap.add_argument("--modes", default="spawn,grow,gosched,chan,park")
    opts = ap.parse_args()
    opts.gostack = os.path.abspath(opts.gostack)
    modes = opts.modes.split(",")
    for m in modes:
        if m not in OURS:
            sys.exit("unknown mode %s (have %s)" % (m, ", ".join(OURS)))

    with tempfile.TemporaryDirectory() as tmp:
        exe = build_peer(opts, tmp)
        if exe is None:
            print("(Go peer not available: gostack's figures only)")
        rows = []
        for mode in modes:
            ours, theirs = {}, {}
            for _ in range(opts.reps):  # alternate the two so drift hits both alike
                for k, v in OURS[mode](opts).items():
                    ours.setdefault(k, []).append(v)
                if exe:
                    for k, v in go_mode(exe, mode, opts.n).items():
                        theirs.setdefault(k, []).append(v)
            for k, vs in ours.items():
                o = statistics.median(vs)
                g = statistics.median(theirs[k]) if k in theirs else None
                rows.append((k, g, o, GOALS[mode]))

    print("%-28s %14s %14s %8s %6s" % ("figure (median of %d runs)" % opts.reps, "Go 1.19",
                                        "gostack", "ratio", "goal"))
    for k, g, o, goal in rows:
        ratio = o / g if g else None
        print("%-28s %14s %14.1f %8s %6s%s" % (
            k, "%.1f" % g if g is not None else "-", o, "%.3f" % ratio if ratio else "-",
            "<=%.2g" % goal, "" if ratio is None or ratio <= goal else "  (goal not met)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
