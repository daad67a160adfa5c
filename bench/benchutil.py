"""Setup shared by the corpus benches: Go's asm binary and the go_asm.h headers the corpus needs."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "diff"))
import run_diff  # noqa: E402  (manifest reading and go_asm.h generation)


def prepare(goroot, work):
    """(path of Go's asm, None), or (None, message) if Go or a header is missing. The headers
    are generated under work/hdr as tests/diff/run_diff.py does; work/empty is an empty dir."""
    goasm = os.path.join(goroot, "pkg", "tool", "linux_amd64", "asm")
    if not os.path.exists(goasm):
        return None, "Go 1.19 not found under %s" % goroot
    os.makedirs(os.path.join(work, "empty"), exist_ok=True)
    for variant in run_diff.HEADER_VARIANTS:
        err = run_diff.make_header(goroot, work, variant)
        if err:
            return None, err
    return goasm, None
