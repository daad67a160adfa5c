#!/usr/bin/env python3
"""Differential fuzzing against Go 1.19's asm: corpus files with a few random edits.

Each case takes one file of corpusA.manifest / corpusA_tags.manifest (read from GOROOT, with
the go_asm.h its package needs), changes one to three of its lines at random (a register, a
number, a mnemonic or a suffix swapped, a token or an operand dropped or doubled, a stray
character or a byte that is not UTF-8 inserted) and assembles it with both assemblers, the
flags of `go build` plus -S. The two must agree:
  - both succeed, with identical -S listings (every symbol: header, instructions, bytes,
    relocations), or
  - both fail with the same errors in the same order and the same summary line: Go's
    parser errors word for word; for a later stage's error at a Prog, the same line and
    Go's words within gostack's message (which may say more, e.g. the operand that does
    not fit: issue 3's better messages); Go's errors without a position by their text.
    (A few of Go's messages print internal numbers or Go structs; gostack's say it in words.
    Where gostack fails on what Go leaves to its linker (a reference to an undefined
    file-local symbol or a negative size, which ELF cannot hold; the NOSPLIT stack limit),
    the listings must agree. Where Go panics (a branch out of range), gostack must fail
    cleanly.)
gostack must never crash or time out. Cases are reproducible from --seed; --keep DIR saves
the source of every disagreeing case there.

Usage: tests/diff/mutate_diff.py [--gostack build/release/gostack] [--cases 300] [--seed 1] [-j 2]
                                [--source corpus|testdata]
With --source testdata the files edited are Go's own amd64 encoder tests (every form Go
accepts, AVX-512 included) instead of the stdlib corpus.
(scripts/test.sh runs 1000 cases of seed 1 on the corpus and 300 on the encoder tests; other
seeds and more cases explore further.)
Exit status 1 if any case disagrees. Without Go 1.19 it prints a message and exits 0.
"""
import argparse
import concurrent.futures
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_diff  # noqa: E402  (manifests, headers, listing parser)

REGS = (["AX", "BX", "CX", "DX", "SI", "DI", "BP", "SP", "R8", "R9", "R12", "R13", "R14", "R15",
         "AL", "BH", "R10B", "SPB", "R11", "X0", "X1", "X8", "X15", "X16", "X31", "Y0", "Y9",
         "Y15", "Y20", "Z0", "Z7", "Z31", "K0", "K1", "K7", "F0", "F3", "M0", "M7", "CR0",
         "CR3", "DR7", "GS", "FS", "TLS", "PC", "SB", "FP", "g"])
NUMBERS = ["0", "1", "-1", "7", "8", "127", "128", "-128", "-129", "255", "256", "0x7fffffff",
           "0x80000000", "-0x80000000", "0xffffffff", "0x100000000", "0x7fffffffffffffff",
           "-0x8000000000000000", "0xffffffffffffffff", "3", "16", "24", "1<<31", "(2+3)*4",
           "07", "08", "0b101", "0o17", "1_000", "1__0", "0x_ff", "1e3", "1.5"]
SUFFIXES = [".Z", ".BCST", ".SAE", ".RN_SAE", ".RZ_SAE.Z", ".BCST.Z", ".X", ".SAE.Z"]
SCALES = ["*1", "*2", "*4", "*8", "*3", "*0", "*16"]
STRAYS = list("()[]$*+-,:;.<>#\"'\\/@&|^!~%") + ["\xff", "\xc3\xa9", "\x00", "\t", "·", "∕"]
LEXEME = re.compile(r"\s+|[A-Za-z_·∕][A-Za-z0-9_·∕]*|0[xX][0-9a-fA-F_]+|\d[\d_]*|.", re.S)
REG_RE = re.compile(r"^(?:[A-DS]X|[SD]I|BP|SP|R\d+[BLW]?|[A-D][LH]|[XYZ]\d+|K\d|F\d|M\d|CR\d|DR\d|[FG]S|"
                    r"TLS|PC|SB|FP|g)$")
def editable(line):
    s = line.strip()
    return s and not s.startswith("//") and not s.startswith("#") and not s.endswith(":")


def mutate_line(rng, line, mnemonics):
    parts = LEXEME.findall(line)
    words = [i for i, p in enumerate(parts) if not p.isspace()]
    if not words:
        return line
    kind = rng.randrange(9)
    regs = [i for i in words if REG_RE.match(parts[i])]
    nums = [i for i in words if parts[i][0].isdigit()]
    if kind == 0 and regs:
        parts[rng.choice(regs)] = rng.choice(REGS)
    elif kind == 1 and nums:
        parts[rng.choice(nums)] = rng.choice(NUMBERS)
    elif kind == 2:
        first = words[0]
        if parts[first][0].isalpha():
            parts[first] = rng.choice(mnemonics)
    elif kind == 3:
        del parts[rng.choice(words)]
    elif kind == 4:
        i = rng.choice(words)
        parts.insert(i, parts[i])
    elif kind == 5:  # an operand dropped, doubled or two swapped
        head, _, ops = "".join(parts).partition(" ")
        ops = ops.split(",")
        if len(ops) > 1:
            i, j = rng.randrange(len(ops)), rng.randrange(len(ops))
            op = rng.randrange(3)
            if op == 0:
                del ops[i]
            elif op == 1:
                ops.insert(i, ops[j])
            else:
                ops[i], ops[j] = ops[j], ops[i]
        return head + " " + ",".join(ops)
    elif kind == 6:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(STRAYS))
    elif kind == 7:
        first = words[0]
        parts.insert(first + 1, rng.choice(SUFFIXES))
    else:
        stars = [i for i in words if parts[i] == "*"]
        if stars and stars[0] + 1 < len(parts):
            parts[stars[0]] = rng.choice(SCALES)
            del parts[stars[0] + 1]
        elif nums:
            parts[rng.choice(nums)] = str(rng.randrange(-300, 300))
    return "".join(parts)


ERROR_RE = re.compile(r"^(\S+?):(\d+)(?::\d+)?: (.*)$")
# Go's later stages name a Prog: 'asm: "".f: invalid instruction: 00092 (x.s:37)\tMOVUPS\tDX, $0'
# or 'asm: offset too large in 00613 (x.s:207)\tMOVOU ...'.
PROG_ERROR_RE = re.compile(r"^asm: (?:\S+: )?(.*?):? \d{5} \((\S+):(\d+)\)\t")
SUMMARIES = ("asm: assembly failed", "asm: too many errors")
# Go's encoder messages that print its internal numbers ("asmidx: bad address 1/2067/2087").
INTERNAL = ("asmidx: bad address", "unexpected addr1: ")
# Go prints the jump target of "cannot assemble jump" as a Go struct (&{Reg:0 ...}); gostack as
# an operand.
GO_STRUCT = ("cannot assemble jump &{", "cannot assemble jump ")
# What gostack checks at assembly time and Go leaves to its linker: a reference to a
# file-local (<>) symbol the file never defines and a negative GLOBL size (which ELF cannot
# hold), and the NOSPLIT stack limit (its message is followed by the chain, indented).
LINK_TIME = ("reference to undefined file-local symbol", "symbol too large (-",
             "nosplit stack overflow")


def errors_of(stderr):
    """The errors in order, each (file, line, message, kind): kind 'parse' for Go's parser
    errors ("file:line: msg"), 'prog' for a later stage's error about a Prog, 'log' for one
    without a position ("asm: msg"); and the summary line."""
    out, summary = [], ""
    for line in stderr.split("\n"):
        m = PROG_ERROR_RE.match(line)
        if m:
            out.append((os.path.basename(m.group(2)), int(m.group(3)), m.group(1), "prog"))
            continue
        m = ERROR_RE.match(line)
        if m:
            out.append((os.path.basename(m.group(1)), int(m.group(2)), m.group(3), "parse"))
            continue
        if line in SUMMARIES or (line.startswith("asm: assembly of ") and line.endswith(" failed")):
            summary = line
        elif line.startswith("asm: "):
            out.append((None, None, line[len("asm: "):], "log"))
    return out, summary


def compare_errors(go, ours):
    """'' if gostack's errors say what Go's do, else a description. Go's parser errors must
    match exactly. Where Go's later stages give a Prog's position, gostack's message must be
    at that line and contain Go's words (it may say more: issue 3's better messages, such as
    the operand that does not fit). Where Go gives no position, gostack may add one."""
    (gerrs, gsum), (oerrs, osum) = go, ours
    # Go's encoder explains some operands it cannot place with internal numbers before (or
    # instead of) its "invalid instruction"; gostack reports the instruction once, in words.
    merged = []
    for k, g in enumerate(gerrs):
        if g[3] == "log" and g[2].startswith(INTERNAL):
            if g[2].startswith(INTERNAL[1]) and k + 1 < len(gerrs) and gerrs[k + 1][3] == "prog":
                continue  # "unexpected addr1" comes just before its Prog's "invalid instruction"
            g = (None, None, "invalid instruction", "internal")
        merged.append(g)
    gerrs = merged
    if gsum != osum:
        return "summary: Go %r, gostack %r" % (gsum, osum)
    if len(gerrs) != len(oerrs):
        return "errors: Go %s, gostack %s" % (gerrs[:4], oerrs[:4])
    for g, o in zip(gerrs, oerrs):
        if g[3] == "internal":
            if g[2] not in o[2]:
                return "error: Go %s, gostack %s" % (g, o)
        elif g[3] == "parse" and g[2].startswith(GO_STRUCT[0]):
            if not o[2].startswith(GO_STRUCT[1]) or g[:2] != o[:2]:
                return "error: Go %s, gostack %s" % (g, o)
        elif g[3] == "log":
            tail = g[2].split(": ", 1)[-1]
            if o[2] != g[2] and not o[2].endswith(tail):
                return "error: Go %s, gostack %s" % (g, o)
        elif g[:2] != o[:2] or (g[3] == "parse" and g[2] != o[2]) or g[2] not in o[2]:
            return "error: Go %s, gostack %s" % (g, o)
    return ""


def compare_listings(gout, oout):
    """'' if the two -S listings hold the same symbols, identical in every part."""
    go_syms = run_diff.keyed(run_diff.parse_listing(gout))
    our_syms = run_diff.keyed(run_diff.parse_listing(oout))
    if go_syms.keys() != our_syms.keys():
        return "symbols differ: %s" % sorted(set(go_syms) ^ set(our_syms))[:5]
    for key, g in go_syms.items():
        parts = run_diff.compare_symbol(g, our_syms[key])
        if parts:
            return "%s: %s differ" % (key, ", ".join(parts))
    return ""


def testdata_files(goroot):
    """Go's amd64 assembler tests, relative to GOROOT/src: every instruction form Go knows,
    AVX-512 with its masks and suffixes included, and its error cases."""
    rel = os.path.join("cmd", "asm", "internal", "asm", "testdata")
    files = [os.path.join(rel, f) for f in ("amd64enc.s", "amd64enc_extra.s", "amd64.s", "amd64error.s")]
    avx = os.path.join(goroot, "src", rel, "avx512enc")
    files += sorted(os.path.join(rel, "avx512enc", f) for f in os.listdir(avx) if f.endswith(".s"))
    return files


def run_case(job):
    index, seed, entry, opts = job
    file, pkg, flags, hdr = entry
    rng = random.Random("%d/%d" % (seed, index))
    src_path = os.path.join(opts.goroot, "src", file)
    with open(src_path, encoding="utf-8", errors="surrogateescape") as f:
        lines = f.read().split("\n")
    candidates = [i for i, l in enumerate(lines) if editable(l)]
    edited = []
    for _ in range(rng.randint(1, 3)):
        i = rng.choice(candidates)
        lines[i] = mutate_line(rng, lines[i], opts.mnemonics)
        edited.append(i + 1)
    text = "\n".join(lines)
    inc = os.path.join(opts.work, hdr) if hdr != "-" else os.path.join(opts.work, "empty")
    with tempfile.TemporaryDirectory() as tmp:
        name = os.path.basename(file)
        with open(os.path.join(tmp, name), "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)
        args = ["-p", pkg, "-I", inc, "-I", os.path.dirname(src_path), "-I",
                os.path.join(opts.goroot, "pkg", "include"), "-D", "GOOS_linux", "-D", "GOARCH_amd64"]
        args += flags + ["-D", "GOAMD64_v1", "-S", "-o", os.path.join(tmp, "out.o"), "./" + name]
        grc, gout, gerr = run_diff.run_asm([opts.goasm], tmp, args, opts.timeout)
        orc, oout, oerr = run_diff.run_asm([opts.gostack, "asm"], tmp, args, opts.timeout)
    why = ""
    if orc < 0 or orc > 1:
        why = "gostack rc=%d: %s" % (orc, oerr.strip()[:300])
    elif grc < 0:
        why = ""  # Go itself did not finish (a macro explosion): nothing to compare
    elif grc == 0 and orc == 1 and all(any(e in l for e in LINK_TIME) for l in oerr.split("\n")
                                        if l.strip() and not l[0].isspace() and l not in SUMMARIES):
        why = compare_listings(gout, oout)
    elif "\npanic: " in "\n" + gerr:
        why = "" if orc == 1 else "Go panicked; gostack rc=%d" % orc  # no oracle beyond failing
    elif (grc == 0) != (orc == 0):
        why = "Go rc=%d (%s), gostack rc=%d (%s)" % (grc, gerr.strip()[:200], orc, oerr.strip()[:200])
    elif grc == 0:
        why = compare_listings(gout, oout)
    else:
        why = compare_errors(errors_of(gerr), errors_of(oerr))
    if why and opts.keep:
        os.makedirs(opts.keep, exist_ok=True)
        with open(os.path.join(opts.keep, "case%d_%s" % (index, os.path.basename(file))), "w",
                  encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)
    return index, file, edited, why


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    run_diff.add_oracle_args(ap)
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--keep", help="directory for the sources of disagreeing cases")
    ap.add_argument("--source", choices=("corpus", "testdata"), default="corpus",
                    help="the files to edit: the stdlib corpus (default) or Go's amd64 encoder "
                         "tests (amd64enc.s, amd64enc_extra.s, amd64.s, amd64error.s, avx512enc/*.s)")
    opts = ap.parse_args()
    opts.goasm = os.path.join(opts.goroot, "pkg", "tool", "linux_amd64", "asm")
    if not os.path.exists(opts.goasm):
        print("Go 1.19 not found under %s: mutation differential skipped" % opts.goroot)
        return 0
    opts.gostack = os.path.abspath(opts.gostack)
    opts.work = os.path.abspath(opts.work)
    os.makedirs(os.path.join(opts.work, "empty"), exist_ok=True)
    for variant in run_diff.HEADER_VARIANTS:
        err = run_diff.make_header(opts.goroot, opts.work, variant)
        if err:
            print(err)
            return 1
    entries = []
    if opts.source == "corpus":
        for manifest in ("corpusA.manifest", "corpusA_tags.manifest"):
            entries += run_diff.read_manifest(os.path.join(HERE, manifest))
    else:
        entries = [(f, "main", [], "-") for f in testdata_files(opts.goroot)]
    # Mnemonics to swap in: the ones the corpus uses, so that most swaps are real instructions.
    # Files with nothing to edit (stubs of build tags) are left out.
    mnemonics = set()
    usable = []
    for entry in entries:
        with open(os.path.join(opts.goroot, "src", entry[0]), encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
        if any(editable(l) for l in lines):
            usable.append(entry)
        for line in lines:
            m = re.match(r"\s+([A-Z][A-Z0-9]+)\b", line)
            if m:
                mnemonics.add(m.group(1))
    entries = usable
    opts.mnemonics = sorted(mnemonics)

    rng = random.Random(opts.seed)
    jobs = [(i, opts.seed, rng.choice(entries), opts) for i in range(opts.cases)]
    bad = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.j) as pool:
        for index, file, edited, why in pool.map(run_case, jobs):
            if why:
                bad += 1
                print("case %d (%s, lines %s): %s" % (index, file, edited, why))
    print("mutation differential: %d/%d cases agree with Go (seed %d)" % (opts.cases - bad, opts.cases,
                                                                         opts.seed))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
