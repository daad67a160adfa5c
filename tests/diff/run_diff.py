#!/usr/bin/env python3
"""Differential suite: gostack asm -S against Go 1.19's asm -S on the same files, same flags.

Corpora (lists in this folder, sources read from GOROOT at test time):
  corpusA.manifest       Go's amd64 standard-library .s files, assembled as `go build` does
  corpusA_tags.manifest  the runtime files gated by -race/-msan/-asan/-tags libfuzzer
  corpusC.manifest       Go's own assembler test inputs (amd64enc.s, avx512enc/...)
The go_asm.h headers the A files include are regenerated with the installed Go toolchain.

A and A_tags are compared per symbol (header line, instruction lines, hex bytes, relocations);
C files are one huge function each, so they are compared per source line (the instruction
text, its bytes and its relocations). A symbol or line for which gostack reported
"unsupported instruction" counts as unsupported, not as different.

Exit status 1 if an entry of the baseline (baseline.txt) is no longer identical, or if Go
itself failed; --update-baseline rewrites the baseline with everything identical now.
Without Go 1.19 installed the suite prints a message and exits 0.
"""
import argparse
import concurrent.futures
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

INSTR_RE = re.compile(r"^\t0x([0-9a-f]+) (\d+) \((.*):(\d+)\)\t(.*)$")
HEX_RE = re.compile(r"^\t0x([0-9a-f]+)((?: [0-9a-f]{2}){1,16})")
REL_RE = re.compile(r"^\trel (\d+)\+(\d+) (.*)$")
UNSUPPORTED_RE = re.compile(r"^(.*):(\d+): unsupported instruction")

# Header variants: directory name -> extra `go build` flags. The default one also serves reflect
# and internal/bytealg.
HEADER_VARIANTS = {
    "default": ([], ["runtime", "reflect", "internal/bytealg"]),
    "race": (["-race"], ["runtime"]),
    "msan": (["-msan"], ["runtime"]),
    "asan": (["-asan"], ["runtime"]),
    "libfuzzer": (["-tags", "libfuzzer"], ["runtime"]),
}


class Symbol:
    """One symbol of a -S listing, split into its parts."""

    def __init__(self, header):
        self.header = header
        self.name = header.split(" ", 1)[0]
        self.instrs = []  # (pc, file, line, text)
        self.code = bytearray()
        self.rels = []  # (off, size, rest)

    def instr_lines(self):
        return {line for _, _, line, _ in self.instrs}


def parse_listing(text):
    """Splits a -S listing into symbols, in order."""
    syms = []
    cur = None
    for line in text.split("\n"):
        if not line:
            continue
        if not line.startswith("\t"):
            cur = Symbol(line)
            syms.append(cur)
            continue
        if cur is None:
            continue
        m = INSTR_RE.match(line)
        if m:
            cur.instrs.append((int(m.group(1), 16), m.group(3), int(m.group(4)), m.group(5)))
            continue
        m = REL_RE.match(line)
        if m:
            cur.rels.append((int(m.group(1)), int(m.group(2)), m.group(3)))
            continue
        m = HEX_RE.match(line)
        if m:
            cur.code += bytes(int(b, 16) for b in m.group(2).split())
    return syms


def keyed(syms):
    """Symbols by name; a repeated name gets its occurrence number appended."""
    out, seen = {}, {}
    for s in syms:
        n = seen.get(s.name, 0)
        seen[s.name] = n + 1
        out[s.name if n == 0 else "%s#%d" % (s.name, n)] = s
    return out


def compare_symbol(go, ours):
    """Returns the list of parts that differ (empty if identical)."""
    parts = []
    if go.header != ours.header:
        parts.append("header")
    if [i[1:] for i in go.instrs] != [i[1:] for i in ours.instrs] or \
            [i[0] for i in go.instrs] != [i[0] for i in ours.instrs]:
        parts.append("instructions")
    if go.code != ours.code:
        parts.append("bytes")
    if go.rels != ours.rels:
        parts.append("rels")
    return parts


def per_line(sym):
    """For a C-corpus function: source line -> list of (text, bytes, rels relative to the pc)."""
    out = {}
    ins = sym.instrs
    for k, (pc, _, line, text) in enumerate(ins):
        end = ins[k + 1][0] if k + 1 < len(ins) else len(sym.code)
        end = max(end, pc)
        rels = [(off - pc, size, rest) for off, size, rest in sym.rels if pc <= off < end]
        out.setdefault(line, []).append((text, bytes(sym.code[pc:end]), rels))
    return out


def ranges(nums):
    """[1,2,3,7] -> '1-3,7'."""
    nums = sorted(nums)
    out, i = [], 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else "%d-%d" % (nums[i], nums[j]))
        i = j + 1
    return ",".join(out)


def unranges(text):
    out = set()
    for part in filter(None, text.split(",")):
        a, _, b = part.partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out


def read_manifest(path):
    entries = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            file, pkg, flags, hdr = line.split("\t")
            entries.append((file, pkg, [] if flags == "-" else flags.split(), hdr))
    return entries


def go_env(work):
    env = dict(os.environ)
    env.update(GOFLAGS="", GO111MODULE="", GOCACHE=os.path.join(work, "gocache"),
               GOPATH=os.path.join(work, "gopath"), GOOS="linux", GOARCH="amd64", GOAMD64="v1",
               HOME=env.get("HOME", work))
    return env


def make_header(goroot, work, variant):
    """Builds the packages of one variant with -work and keeps the go_asm.h the compiler wrote."""
    flags, pkgs = HEADER_VARIANTS[variant]
    dst_root = os.path.join(work, "hdr", variant)
    if all(os.path.exists(os.path.join(dst_root, p, "go_asm.h")) for p in pkgs):
        return None
    cmd = [os.path.join(goroot, "bin", "go"), "build", "-a", "-work", "-x"] + flags + pkgs
    r = subprocess.run(cmd, cwd=work, env=go_env(work), capture_output=True, text=True)
    log = r.stderr
    m = re.search(r"^WORK=(.*)$", log, re.M)
    if r.returncode != 0 or not m:
        return "go build %s failed:\n%s" % (" ".join(flags + pkgs), log[-2000:])
    gowork = m.group(1)
    try:
        for line in log.split("\n"):
            if " -asmhdr " not in line:
                continue
            pkg = re.search(r" -p (\S+) ", line)
            bdir = re.search(r'-trimpath "\$WORK/(b\d+)=>', line)
            if pkg and bdir and pkg.group(1) in pkgs:
                dst = os.path.join(dst_root, pkg.group(1))
                os.makedirs(dst, exist_ok=True)
                shutil.copy(os.path.join(gowork, bdir.group(1), "go_asm.h"), dst)
    finally:
        shutil.rmtree(gowork, ignore_errors=True)
    missing = [p for p in pkgs if not os.path.exists(os.path.join(dst_root, p, "go_asm.h"))]
    return "no go_asm.h for %s (%s)" % (missing, variant) if missing else None


def run_asm(cmd, cwd, args, timeout):
    try:
        r = subprocess.run(cmd + args, cwd=cwd, capture_output=True, timeout=timeout)
        return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return -1, "", "timeout after %d s" % timeout


class FileResult:
    def __init__(self, corpus, file):
        self.corpus, self.file = corpus, file
        self.total = self.same = self.unsupported = 0
        self.unencoded = 0    # C lines in a function gostack did not encode (see compare_lines)
        self.identical = []   # symbol names (A) or line numbers (C)
        self.details = []     # human-readable differences
        self.go_error = None


def check_file(job):
    corpus, (file, pkg, flags, hdr), opts = job
    res = FileResult(corpus, file)
    src = os.path.join(opts.srcroot, file)
    inc = os.path.join(opts.work, hdr) if hdr != "-" else os.path.join(opts.work, "empty")
    with tempfile.TemporaryDirectory() as tmp:
        args = ["-p", pkg, "-trimpath", inc + "=>", "-I", inc, "-I",
                os.path.join(opts.goroot, "pkg", "include"), "-D", "GOOS_linux", "-D", "GOARCH_amd64"]
        args += flags + ["-D", "GOAMD64_v1", "-S", "-o", os.path.join(tmp, "out.o"),
                         "./" + os.path.basename(file)]
        cwd = os.path.dirname(src)
        grc, gout, gerr = run_asm([opts.goasm], cwd, args, opts.timeout)
        # -e (no error limit) lets gostack name every unsupported instruction; it does not
        # change a listing.
        orc, oout, oerr = run_asm(opts.ours, cwd, ["-e"] + args, opts.timeout)
    if grc != 0:
        res.go_error = "Go's asm failed (rc=%d): %s" % (grc, gerr.strip()[:500])
        return res
    unsupported = {int(m.group(2)) for m in map(UNSUPPORTED_RE.match, oerr.split("\n")) if m}
    if orc != 0 and not unsupported:
        res.details.append("gostack rc=%d: %s" % (orc, " | ".join(oerr.strip().split("\n")[:3])))
    go_syms, our_syms = keyed(parse_listing(gout)), keyed(parse_listing(oout))
    if corpus == "C":
        compare_lines(res, go_syms, our_syms, unsupported)
    else:
        compare_symbols(res, go_syms, our_syms, unsupported)
    return res


def compare_symbols(res, go_syms, our_syms, unsupported):
    for key, g in go_syms.items():
        res.total += 1
        o = our_syms.get(key)
        if g.instr_lines() & unsupported:
            res.unsupported += 1
            continue
        diff = ["missing"] if o is None else compare_symbol(g, o)
        if diff:
            res.details.append("%s: %s" % (key, ", ".join(diff)))
        else:
            res.same += 1
            res.identical.append(key)


def compare_lines(res, go_syms, our_syms, unsupported):
    for key, g in go_syms.items():
        o = our_syms.get(key)
        glines = per_line(g)
        olines = per_line(o) if o else {}
        # gostack leaves a function with an unsupported instruction unencoded: its other
        # lines cannot be compared, which is counted apart from real differences.
        unencoded = (o is None or not o.code) and bool(g.code) and bool(g.instr_lines() & unsupported)
        for line, ginstrs in sorted(glines.items()):
            res.total += 1
            if line in unsupported:
                res.unsupported += 1
            elif unencoded:
                res.unencoded += 1
            elif olines.get(line) == ginstrs:
                res.same += 1
                res.identical.append(line)
            else:
                ours = olines.get(line)
                res.details.append("line %d: go %r, gostack %r" % (
                    line, [(t, b.hex()) for t, b, _ in ginstrs],
                    None if ours is None else [(t, b.hex()) for t, b, _ in ours]))


def load_baseline(path):
    base = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                corpus, file, what = line.split("\t", 2)
                base.setdefault((corpus, file), set()).update(
                    unranges(what) if corpus == "C" else {what})
    return base


def write_baseline(path, results):
    with open(path, "w") as f:
        f.write("# Symbols (A, A_tags) and source lines (C) on which gostack -S is identical to Go 1.19.\n"
                "# The differential suite fails when one of them stops being identical.\n"
                "# Regenerate: python3 tests/diff/run_diff.py --update-baseline\n")
        for r in sorted(results, key=lambda r: (r.corpus, r.file)):
            if r.corpus == "C":
                if r.identical:
                    f.write("C\t%s\t%s\n" % (r.file, ranges(r.identical)))
            else:
                for name in sorted(r.identical):
                    f.write("%s\t%s\t%s\n" % (r.corpus, r.file, name))


def add_oracle_args(ap, gostack=True):
    """The options every script that runs Go's asm beside gostack takes: --gostack (the
    binary), --goroot (Go 1.19) and --work (the generated headers and Go's build cache)."""
    if gostack:
        ap.add_argument("--gostack", default=os.path.join(ROOT, "build", "release", "gostack"))
    ap.add_argument("--goroot", default=os.environ.get("GOROOT", "/usr/lib/go-1.19"))
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "diff"),
                    help="directory for the generated headers and Go's build cache")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_oracle_args(ap)
    ap.add_argument("--ours-cmd", help="command run instead of 'GOSTACK asm' (e.g. Go's asm, "
                    "to check the harness: everything must then be identical)")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=int, default=120, help="seconds per assembler run")
    ap.add_argument("--detail", action="store_true", help="print per-file counts and differences")
    ap.add_argument("--baseline", default=os.path.join(HERE, "baseline.txt"))
    ap.add_argument("--update-baseline", action="store_true")
    ap.add_argument("--only", help="only files whose path contains this text")
    opts = ap.parse_args()

    opts.goasm = os.path.join(opts.goroot, "pkg", "tool", "linux_amd64", "asm")
    opts.srcroot = os.path.join(opts.goroot, "src")
    gobin = os.path.join(opts.goroot, "bin", "go")
    if not (os.path.exists(opts.goasm) and os.path.exists(gobin) and os.path.isdir(opts.srcroot)):
        print("diff: Go 1.19 (asm, go, sources) not found under %s; differential suite skipped"
              % opts.goroot)
        return 0
    opts.ours = shlex.split(opts.ours_cmd) if opts.ours_cmd else [os.path.abspath(opts.gostack), "asm"]
    if not opts.ours_cmd and not os.path.exists(opts.ours[0]):
        print("diff: %s not found (build it first)" % opts.ours[0])
        return 1
    opts.work = os.path.abspath(opts.work)
    os.makedirs(os.path.join(opts.work, "empty"), exist_ok=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.j)) as pool:
        errors = [e for e in pool.map(lambda v: make_header(opts.goroot, opts.work, v),
                                      HEADER_VARIANTS) if e]
        if errors:
            print("diff: could not generate go_asm.h headers:\n" + "\n".join(errors))
            return 1
        jobs = []
        for corpus, manifest in (("A", "corpusA.manifest"), ("A_tags", "corpusA_tags.manifest"),
                                 ("C", "corpusC.manifest")):
            for entry in read_manifest(os.path.join(HERE, manifest)):
                if opts.only and opts.only not in entry[0]:
                    continue
                jobs.append((corpus, entry, opts))
        # Biggest files first so the pool stays busy to the end.
        jobs.sort(key=lambda j: -os.path.getsize(os.path.join(opts.srcroot, j[1][0])))
        results = list(pool.map(check_file, jobs))

    failed = False
    for corpus, label, unit in (("A", "corpus", "symbols"), ("A_tags", "corpus tags", "symbols"),
                                ("C", "go encoder tests", "lines")):
        rs = [r for r in results if r.corpus == corpus]
        if not rs:
            continue
        unencoded = sum(r.unencoded for r in rs)
        print("%s: %d/%d %s identical (%d unsupported%s)" % (
            label, sum(r.same for r in rs), sum(r.total for r in rs), unit,
            sum(r.unsupported for r in rs),
            ", %d in functions not encoded because of them" % unencoded if unencoded else ""))
        if opts.detail:
            for r in sorted(rs, key=lambda r: r.file):
                print("  %-70s %5d/%-5d (%d unsupported, %d not encoded)"
                      % (r.file, r.same, r.total, r.unsupported, r.unencoded))
                for d in r.details[:20]:
                    print("      " + d)
    for r in results:
        if r.go_error:
            print("error: %s: %s" % (r.file, r.go_error))
            failed = True

    if opts.update_baseline:
        write_baseline(opts.baseline, results)
        print("baseline written: %s" % opts.baseline)
        return 1 if failed else 0
    base = load_baseline(opts.baseline)
    now = {(r.corpus, r.file): set(r.identical) for r in results}
    regressions = []
    for (corpus, file), items in sorted(base.items()):
        if opts.only and opts.only not in file:
            continue
        lost = items - now.get((corpus, file), set())
        if lost:
            shown = ranges(lost) if corpus == "C" else ", ".join(sorted(lost))
            regressions.append("%s %s: %s" % (corpus, file, shown))
    if regressions:
        print("REGRESSIONS (identical in baseline.txt, not any more):")
        for line in regressions:
            print("  " + line)
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
