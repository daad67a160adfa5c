#!/usr/bin/env python3
"""Bad-input tests: runs the assembler on each case and checks how it fails.

A case is a .s file in Go's test format: a line holding `// ERROR "text"` must get an error
reported at that line whose message contains text, and no other line may get one. Directives
in the case file:
  // FLAGS: -x ...        extra command-line flags
  // EXIT: n              expected exit status (default 1)
  // STDERR: "text"       stderr must contain text
  // SUMMARY: text        last stderr line (default: asm: assembly of FILE failed); `none`
                          for none: after a preprocessor error Go prints that and exits
Every run must end within the timeout, without a signal or a sanitizer report.

Generated cases (--generated NAME): random_bytes (4 KiB of random bytes, three seeds: any
error report is fine, a crash or hang is not), huge_expression (a 200,000-term constant
expression that must assemble and evaluate to 200000), special_output (a failed run removes
a stale -o file but never a non-regular one such as a FIFO or /dev/null) and directory_input
(a directory as the input file, or named by #include: each read error is reported at the
file's 1:1, as Go's scanner does, and the assembly goes on and succeeds).

--go GOROOT runs Go 1.19's asm instead of gostack, to check that the cases say what Go does,
summary line included. Exit status 77 (skip) if Go is not installed.
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile

POS_RE = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+)(?::\d+)?: (?P<msg>.*)$")
# Go's encoder names the Prog: 'asm: "".f: invalid instruction: 00000 (x.s:3)\tJMP'.
GO_PROG_RE = re.compile(r"^asm: \S+: (?P<msg>.*?): \d{5} \((?P<file>[^\s:()]+):(?P<line>\d+)\)\t")
ERROR_RE = re.compile(r'// ERROR "((?:[^"\\]|\\.)*)"')
DIRECTIVE_RE = re.compile(r"^// (FLAGS|EXIT|STDERR|SUMMARY): (.*)$")
SANITIZER_RE = re.compile(r"Sanitizer|runtime error:|LeakSanitizer")


def unquote(text):
    return re.sub(r"\\(.)", r"\1", text)


class Runner:
    def __init__(self, opts):
        self.go = opts.go is not None
        self.goroot = opts.go
        if self.go:
            self.cmd = [os.path.join(opts.go, "pkg", "tool", "linux_amd64", "asm")]
        else:
            self.cmd = [os.path.abspath(opts.gostack), "asm"]
        self.timeout = opts.timeout
        self.failures = []

    def run(self, cwd, name, flags, out_dir):
        args = self.cmd + flags + ["-p", "main", "-o", os.path.join(out_dir, "out.o"), name]
        try:
            r = subprocess.run(args, cwd=cwd, capture_output=True, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            return None
        return (r.returncode, r.stdout.decode("utf-8", "replace"),
                r.stderr.decode("utf-8", "replace"))

    def fail(self, name, why):
        self.failures.append("%s: %s" % (name, why))

    def sane(self, name, result):
        """The checks every run gets: it finished, no signal, no sanitizer report."""
        if result is None:
            self.fail(name, "timed out after %d s" % self.timeout)
            return False
        rc, _, err = result
        if rc < 0:
            self.fail(name, "killed by signal %d" % -rc)
            return False
        if SANITIZER_RE.search(err):
            self.fail(name, "sanitizer report:\n" + err[-3000:])
            return False
        return True

    def check_case(self, path):
        name = os.path.basename(path)
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        expected = {}  # line -> substring
        flags, exit_code, stderr_wants, summary = [], 1, [], "asm: assembly of %s failed" % name
        for no, text in enumerate(lines, 1):
            d = DIRECTIVE_RE.match(text)
            if d:
                key, val = d.group(1), d.group(2).strip()
                if key == "FLAGS":
                    flags = val.split()
                elif key == "EXIT":
                    exit_code = int(val)
                elif key == "STDERR":
                    stderr_wants.append(unquote(val.strip('"')))
                else:
                    summary = val
                continue
            m = ERROR_RE.search(text)
            if m:
                expected[no] = unquote(m.group(1))
        if self.go:  # gostack finds its own textflag.h; Go is given its copy, as go build does
            flags = flags + ["-I", os.path.join(self.goroot, "pkg", "include")]
        with tempfile.TemporaryDirectory() as tmp:
            result = self.run(os.path.dirname(os.path.abspath(path)), name, flags, tmp)
        if not self.sane(name, result):
            return
        rc, _, err = result
        if rc != exit_code:
            self.fail(name, "exit status %d, want %d; stderr:\n%s" % (rc, exit_code, err))
            return
        for want in stderr_wants:
            if want not in err:
                self.fail(name, "stderr lacks %r:\n%s" % (want, err))
        err_lines = [l for l in err.split("\n") if l]
        reported = {}
        for l in err_lines:
            m = POS_RE.match(l) or (GO_PROG_RE.match(l) if self.go else None)
            if m and os.path.basename(m.group("file")) == name:
                reported.setdefault(int(m.group("line")), []).append(m.group("msg"))
        for no, want in sorted(expected.items()):
            msgs = reported.get(no, [])
            if not any(want in msg for msg in msgs):
                self.fail(name, "line %d: want an error containing %r, got %r; stderr:\n%s"
                          % (no, want, msgs, err))
        for no in sorted(set(reported) - set(expected)):
            self.fail(name, "line %d: unexpected error %r" % (no, reported[no]))
        last = err_lines[-1] if err_lines else ""
        if exit_code == 1 and summary == "none":
            if last.startswith("asm: "):
                self.fail(name, "last stderr line %r, want no summary" % last)
        elif exit_code == 1 and last != summary:
            self.fail(name, "last stderr line %r, want %r" % (last, summary))

    def random_bytes(self):
        for seed in (1, 2, 3):
            rng = random.Random(seed)
            name = "random_%d.s" % seed
            with tempfile.TemporaryDirectory() as tmp:
                with open(os.path.join(tmp, name), "wb") as f:
                    f.write(bytes(rng.randrange(256) for _ in range(4096)))
                result = self.run(tmp, name, [], tmp)
            if not self.sane(name, result):
                continue
            rc, _, err = result
            lines = [l for l in err.split("\n") if l]
            if rc != 1:
                self.fail(name, "exit status %d, want 1" % rc)
            bad = [l for l in lines if not POS_RE.match(l) and not l.startswith("asm: ")]
            if bad:
                self.fail(name, "stderr lines not in file:line: form: %r" % bad[:3])
            # A summary ends the report, except after a fatal (preprocessor) error, which
            # Go prints last and exits on.
            ends = ("asm: assembly of %s failed" % name, "asm: assembly failed", "asm: too many errors")
            if not lines or (lines[-1] not in ends and not POS_RE.match(lines[-1])):
                self.fail(name, "last stderr line %r" % (lines[-1] if lines else ""))

    def directory_input(self):
        name = "dir.s"
        with tempfile.TemporaryDirectory() as tmp:
            os.mkdir(os.path.join(tmp, name))
            os.mkdir(os.path.join(tmp, "sub.h"))
            with open(os.path.join(tmp, "inc.s"), "w") as f:
                f.write('#include "sub.h"\nTEXT f(SB),0,$0\n\tRET\n')
            for src, want in ((name, "dir.s:1:1: read dir.s: is a directory\n"),
                              ("inc.s", "sub.h:1:1: read sub.h: is a directory\n")):
                result = self.run(tmp, src, [], tmp)
                if not self.sane(src, result):
                    continue
                rc, _, err = result
                if rc != 0 or err != want:
                    self.fail(src, "exit status %d, stderr %r; want 0 and %r" % (rc, err, want))

    def special_output(self):
        """A failed run removes its -o file only if it is a regular file: a FIFO (like a device
        such as /dev/null) stays; a stale regular output goes."""
        name = "bad.s"
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, name), "w") as f:
                f.write("TEXT ·f(SB),$0\n\tMOVQ (AX)(BX*3), CX\n")
            fifo, stale = os.path.join(tmp, "fifo"), os.path.join(tmp, "stale.o")
            os.mkfifo(fifo)
            open(stale, "w").close()
            for out, must_stay in ((fifo, True), (stale, False)):
                try:
                    r = subprocess.run(self.cmd + ["-o", out, name], cwd=tmp, capture_output=True,
                                       timeout=self.timeout)
                except subprocess.TimeoutExpired:
                    self.fail(name, "timed out with -o %s" % out)
                    continue
                if r.returncode != 1:
                    self.fail(name, "exit status %d with -o %s" % (r.returncode, out))
                if os.path.lexists(out) != must_stay:
                    self.fail(name, "-o %s was %s" % (out, "removed" if must_stay else "left behind"))

    def huge_expression(self):
        name = "huge_expression.s"
        terms = 200000
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, name), "w") as f:
                f.write("TEXT ·f(SB),$0\n\tMOVQ $(%s), AX\n\tRET\n" % "+".join(["1"] * terms))
            result = self.run(tmp, name, ["-S"], tmp)
        if not self.sane(name, result):
            return
        rc, out, err = result
        if rc != 0:
            self.fail(name, "exit status %d, want 0; stderr:\n%s" % (rc, err[-2000:]))
        elif "\tMOVQ\t$%d, AX" % terms not in out:
            self.fail(name, "listing lacks MOVQ $%d, AX" % terms)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gostack", help="the gostack binary")
    ap.add_argument("--go", metavar="GOROOT", help="check the cases against Go's asm instead")
    ap.add_argument("--generated", choices=["random_bytes", "huge_expression", "special_output",
                                            "directory_input"])
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("cases", nargs="*")
    opts = ap.parse_args()
    if opts.go is not None and not os.path.exists(
            os.path.join(opts.go, "pkg", "tool", "linux_amd64", "asm")):
        print("Go's asm not found under %s: skipped" % opts.go)
        return 77
    if opts.go is None and not opts.gostack:
        ap.error("--gostack or --go is required")
    runner = Runner(opts)
    for case in opts.cases:
        runner.check_case(case)
    if opts.generated == "random_bytes":
        runner.random_bytes()
    elif opts.generated == "huge_expression":
        runner.huge_expression()
    elif opts.generated == "special_output":
        runner.special_output()
    elif opts.generated == "directory_input":
        runner.directory_input()
    for f in runner.failures:
        print("FAIL " + f)
    if not runner.failures:
        print("ok")
    return 1 if runner.failures else 0


if __name__ == "__main__":
    sys.exit(main())
