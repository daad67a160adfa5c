"""Shared by the table generators: print the generated text, or with --check compare it
with the checked-in file (CI runs --check to prove the file is current)."""
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def emit_or_check(text, rel_path, regen_hint):
    if "--check" in sys.argv:
        with open(os.path.join(ROOT, rel_path), encoding="utf-8") as f:
            if f.read() != text:
                sys.stderr.write("%s is stale: %s\n" % (rel_path, regen_hint))
                return 1
        return 0
    sys.stdout.write(text)
    return 0
