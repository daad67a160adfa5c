#!/usr/bin/env python3
"""Generates src/encode/forms_x86.inc: one row per instruction form of Go 1.19's amd64
legacy, VEX and EVEX (AVX-512) instruction set, in gostack's table format
(src/encode/forms.h).

Go keeps these forms in parallel tables linked by position (asm6.go: optab rows point at a
ytab list, and a cursor walks the row's opcode bytes as the ytab entries are skipped). This
tool performs that walk once, offline, and writes each form as a self-contained row: the
operand classes that select it, the encoding kind, its flags, and the exact opcode bytes
(mandatory prefixes, 0F escapes) Go emits for it. The double-shift, control-register and
TLS-load forms Go keeps in a second table (ymovtab) follow the ordinary forms of their op,
flagged Positional because Go matches them by operand position.

Usage: tools/gen_x86_forms.py [GOROOT] > src/encode/forms_x86.inc
       tools/gen_x86_forms.py --check [GOROOT]   (exit 1 if the checked-in file differs)
"""
import os
import re
import sys

import genutil

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "src", "encode", "forms_x86.inc")

# Go's prefix codes (asm6.go) as they appear in optab rows and inside opcode byte lists.
PREFIX = {"Px": 0, "Px1": 1, "P32": 0x32, "Pe": 0x66, "Pm": 0x0F, "Pq": 0xFF, "Pb": 0xFE,
          "Pf2": 0xF2, "Pf3": 0xF3, "Pef3": 0xF5, "Pq3": 0x67, "Pq4": 0x68, "Pq4w": 0x69,
          "Pq5": 0x6A, "Pq5w": 0x6B, "Pfw": 0xF4, "Pw": 0x48, "Pw8": 0x90, "Py": 0x80,
          "Py1": 0x81, "Py3": 0x83}

# Go's Z cases -> gostack encoding kinds (forms.h documents each kind).
ENC = {
    "Zpseudo": "pseudo", "Zlit": "lit",
    "Zm_r": "rm_r", "Zlitm_r": "rm_r", "Zm2_r": "rm_r", "Zmb_r": "rm_r",
    "Zm_r_xm": "rm_r", "Zm_r_xm_nr": "rm_r",
    "Zr_m": "r_rm", "Zlitr_m": "r_rm", "Zr_m_xm": "r_rm", "Zr_m_xm_nr": "r_rm",
    "Z_m_r": "rm3_r", "Zlit_m_r": "rm3_r",
    "Zm_o": "from_rm", "Zo_m": "to_rm", "Zo_m64": "to_rm", "Zcallindreg": "callind_rm",
    "Zibo_m": "ib_rm", "Zibo_m_xm": "ib_rm", "Zilo_m": "iz_rm",
    "Zm_ibo": "rm_ib", "Zm_ilo": "rm_iz",
    "Zib_": "ib", "Z_ib": "to_ib", "Zil_": "iz", "Z_il": "to_iz", "Zo_iw": "iw_opt",
    "Zib_rp": "ib_oreg", "Zil_rp": "iz_oreg", "Ziq_rp": "iq_oreg",
    "Z_rp": "oreg_to", "Zrp_": "oreg_from",
    "Zib_rr": "ib_rr", "Zil_rr": "iz_rr",
    "Zibm_r": "i_rm3_r", "Zibr_m": "i_r3_rm", "Zm_r_i_xm": "rm_r3_ib",
    "Zaut_r": "addr_r", "Zbyte": "data",
    "Zbr": "rel_jcc", "Zjmp": "rel_jmp", "Zloop": "rel_loop",
    "Zcall": "call_rel", "Zcallduff": "call_duff", "Zcallcon": "call_const",
    "Zjmpcon": "jmp_const", "Zcallind": "callind_sym",
}
MEDIA = {"Zm_r_xm", "Zm_r_xm_nr", "Zr_m_xm", "Zr_m_xm_nr", "Zibo_m_xm", "Zm_r_i_xm"}
LITERAL = {"Zlit", "Zlitm_r", "Zlitr_m", "Zlit_m_r", "Zibm_r", "Zibr_m"}
ONE_BYTE = {"Zm_r", "Zmb_r", "Zr_m", "Z_m_r", "Zib_rr", "Zil_rr", "Zcallcon", "Zib_", "Z_ib",
            "Zil_", "Z_il", "Zo_iw", "Zib_rp", "Zil_rp", "Ziq_rp", "Z_rp", "Zrp_", "Zcall",
            "Zcallduff", "Zpseudo"}
WITH_DIGIT = {"Zm_o", "Zo_m", "Zo_m64", "Zcallindreg", "Zibo_m", "Zilo_m", "Zm_ibo", "Zm_ilo"}
IMM_FULL = {"Zilo_m", "Zm_ilo", "Zil_", "Z_il", "Zil_rp", "Zil_rr"}


def num(tok, consts):
    tok = tok.strip()
    if tok in consts:
        return consts[tok]
    if tok.startswith("0x") or tok.startswith("0X"):
        return int(tok, 16)
    if len(tok) > 1 and tok.startswith("0"):
        return int(tok, 8)
    return int(tok)


def parse(goroot):
    src = open(os.path.join(goroot, "src/cmd/internal/obj/x86/asm6.go"), encoding="utf-8").read()
    # Y classes, in declaration order (their numeric values).
    yblock = re.search(r"const \(\n\tYxxx = iota\n(.*?)\n\)", src, re.S).group(1)
    ynames = ["Yxxx"] + [l.split("//")[0].strip() for l in yblock.split("\n")
                         if l.split("//")[0].strip()]
    yval = {n: i for i, n in enumerate(ynames)}
    consts = dict(PREFIX)
    consts.update(yval)
    ytabs = {}
    for m in re.finditer(r"^var (\w+) = \[\]ytab\{\n(.*?)\n\}", src, re.S | re.M):
        rows = []
        for r in re.finditer(r"\{(Z\w+), (\d+), argList\{([^}]*)\}\}", m.group(2)):
            args = [a.strip() for a in r.group(3).split(",") if a.strip()]
            rows.append((r.group(1), int(r.group(2)), args))
        ytabs[m.group(1)] = rows
    body = src[src.index("[...]Optab{"):src.index("var opindex")]
    optab = []
    for m in re.finditer(r"\{(?:obj\.)?A(\w+), (\w+), (\w+), opBytes\{([^}]*)\}\}", body):
        name, ytab, prefix, ops = m.groups()
        if ytab == "nil":
            continue
        ops = [num(t, consts) for t in ops.split(",") if t.strip()]
        ops += [0] * (31 - len(ops))  # Go's opBytes is a zero-filled [31]uint8
        optab.append((name, ytab, num(prefix, consts), ops))
    movbody = src[src.index("var ymovtab = []movtab{"):src.index("func isax")]
    movtab = []
    for m in re.finditer(r"\{A(\w+), (\w+), (\w+), (\w+), (mov\w+), \[4\]uint8\{([^}]*)\}\}",
                         movbody):
        name, ft, f3t, tt, code, ops = m.groups()
        ops = [num(t, consts) for t in ops.split(",") if t.strip()]
        movtab.append((name, ft, f3t, tt, code, ops))
    return optab, ytabs, movtab


AVX_CONSTS = {"avxEscape": 1 << 6, "vex66": 1, "vexF3": 2, "vexF2": 3, "vexLZ": 0, "vexLIG": 0,
              "vex128": 0, "vex256": 1 << 2, "vexWIG": 0, "vexW0": 0, "vexW1": 1 << 7,
              "vex0F": 1 << 3, "vex0F38": 2 << 3, "vex0F3A": 3 << 3}


def evex_consts(goroot):
    """evex.go's evex* constants (EVEX byte layouts: W, map, L, pp, N, broadcast, Z/R/S)."""
    src = open(os.path.join(goroot, "src/cmd/internal/obj/x86/evex.go"), encoding="utf-8").read()
    out = {}
    for m in re.finditer(r"^\t(evex\w+)\s*=\s*(\w+)(?:\s*<<\s*(\d+))?", src, re.M):
        name, val, shift = m.groups()
        out[name] = int(val, 0) << int(shift or 0)
    return out


def parse_avx(goroot, consts):
    """avx_optabs.go: VEX (and EVEX) forms, keyed-struct syntax."""
    src = open(os.path.join(goroot, "src/cmd/internal/obj/x86/avx_optabs.go"),
               encoding="utf-8").read()
    ytabs = {}
    for m in re.finditer(r"^var (\w+) = \[\]ytab\{\n(.*?)\n\}", src, re.S | re.M):
        rows = []
        for r in re.finditer(r"\{zcase: (Z\w+), zoffset: (\d+), argList\{([^}]*)\}\}",
                             m.group(2).replace("args: ", "")):
            args = [a.strip() for a in r.group(3).split(",") if a.strip()]
            rows.append((r.group(1), int(r.group(2)), args))
        ytabs[m.group(1)] = rows
    consts = dict(consts)
    consts.update(evex_consts(goroot))
    optab = []
    for m in re.finditer(r"\{as: A(\w+), ytab: (\w+), prefix: Pavx, op: opBytes\{(.*?)\}\}",
                         src, re.S):
        name, ytab, body = m.groups()
        ops = []
        for item in body.replace("\n", " ").split(","):
            item = item.strip()
            if not item:
                continue
            v = 0
            for term in item.split("|"):
                term = term.strip()
                v |= AVX_CONSTS.get(term, consts.get(term, 0)) if not term[0].isdigit() \
                    else num(term, consts)
            ops.append(v)
        ops += [0] * (31 - len(ops))
        optab.append((name, ytab, ops))
    return optab, ytabs


EVEX_DIGIT = {"Zevex_k_rmo", "Zevex_i_rm_vo", "Zevex_i_rm_k_vo"}


def avx_forms(name, ytab, ops):
    """VEX and EVEX forms as rows. An EVEX row's code is {P1 template [W1mmLLpp], P2 template
    [NNNbbZRS] (disp8 scale, broadcast size, allowed suffixes), opcode}."""
    z = 0
    for zcase, zoff, args in ytab:
        here = z
        z += zoff
        if zcase.startswith("Zevex"):
            digit = ops[here + 3] if zcase in EVEX_DIGIT else 0
            yield (name, args, "e" + zcase[len("Zevex"):], [], ops[here:here + 3], digit)
            continue
        enc = "v" + zcase[len("Zvex"):] if zcase != "Zvex" else "v_only"
        digit = ops[here + 2] if zcase in ("Zvex_rm_v_ro", "Zvex_i_rm_vo", "Zvex_i_r_v",
                                           "Zvex_rm_r_vo") else 0
        yield (name, args, enc, [], [ops[here], ops[here + 1]], digit)


def hexs(bs):
    return "{" + ", ".join("0x%02X" % b for b in bs) + "}"


def forms_of(name, ytab, prefix, ops):
    """Walks Go's ytab for one optab row the way doasm does; yields resolved forms."""
    xo = 1 if ops and ops[0] == 0x0F else 0
    z = 0
    for zcase, zoff, args in ytab:
        here = z
        z += zoff + xo
        if prefix == PREFIX["Px1"] and here == 0:
            continue  # 32-bit-only first form (INCL/DECL short encodings)
        flags = []
        pre = []
        if prefix == PREFIX["Pq"]:
            pre = [0x66, 0x0F]
        elif prefix == PREFIX["Pq3"]:
            pre, flags = [0x66, 0x0F], ["W"]
        elif prefix == PREFIX["Pq4"]:
            pre = [0x66, 0x0F, 0x38]
        elif prefix == PREFIX["Pq4w"]:
            pre, flags = [0x66, 0x0F, 0x38], ["W"]
        elif prefix == PREFIX["Pq5"]:
            pre = [0xF3, 0x0F, 0x38]
        elif prefix == PREFIX["Pq5w"]:
            pre, flags = [0xF3, 0x0F, 0x38], ["W"]
        elif prefix in (PREFIX["Pf2"], PREFIX["Pf3"]):
            pre = [prefix, 0x0F]
        elif prefix == PREFIX["Pef3"]:
            pre = [0x66, 0xF3, 0x0F]
        elif prefix == PREFIX["Pfw"]:
            pre, flags = [0xF3, 0x0F], ["W"]
        elif prefix == PREFIX["Pm"]:
            pre = [0x0F]
        elif prefix == PREFIX["Pe"]:
            pre = [0x66]
        elif prefix == PREFIX["Pw"]:
            flags = ["W"]
        elif prefix == PREFIX["Pw8"]:
            if here >= 8:
                flags = ["W"]
        elif prefix == PREFIX["Pb"]:
            flags = ["ByteRegs"]
        elif prefix == PREFIX["P32"]:
            flags = ["Only32"]
        k = here
        code = list(pre)
        op = ops[k]
        if op == 0x0F:
            code.append(0x0F)
            k += 1
            op = ops[k]
        digit = 0
        if zcase in MEDIA:
            if op in (0x0F, 0x66, 0xF2, 0xF3) and zoff != 1:
                if op != 0x0F:
                    code.append(op)
                code.append(0x0F)
                k += 1
                op = ops[k]
            elif not code or code[-1] != 0x0F:
                code.append(0x0F)
            code.append(op)
            if zcase == "Zibo_m_xm":
                digit = ops[k + 1]
        elif zcase in LITERAL:
            while ops[k] != 0:
                code.append(ops[k])
                k += 1
        elif zcase in ONE_BYTE:
            if zcase != "Zpseudo":
                code.append(op)
            if name == "XABORT":
                code.append(ops[k + 1])  # XABORT is C6 F8 ib
        elif zcase in WITH_DIGIT:
            code.append(op)
            digit = ops[k + 1]
        elif zcase == "Zm2_r":
            code += [op, ops[k + 1]]
        elif zcase in ("Zbr", "Zjmp", "Zloop"):
            code.append(op)  # short form; the long opcode is the digit column
            digit = ops[k + 1] if zcase != "Zloop" else 0
        elif zcase == "Zjmpcon":
            code.append(ops[k + 1])
        elif zcase == "Zcallind":
            code += [op, ops[k + 1]]
        elif zcase == "Zaut_r":
            code.append(0x8D)
        elif zcase == "Zbyte":
            digit = op  # data width in bytes
        else:
            raise SystemExit("unhandled %s in %s" % (zcase, name))
        if zcase in ("Zm_r_xm_nr", "Zr_m_xm_nr"):
            flags.append("NoRex")
        if zcase == "Zmb_r":
            flags.append("ByteFrom")
        if prefix == PREFIX["Pe"] and (zcase in IMM_FULL or
                                       (zcase in ("Zibm_r", "Zibr_m") and args[0] == "Yi32")):
            flags.append("Imm16")
        if zcase in ("Zibm_r", "Zibr_m") and args[0] == "Yi32":
            flags.append("ImmFull")
        yield (name, args, ENC[zcase], flags, code, digit)


def mov_forms(name, ft, f3t, tt, code, ops):
    args = [ft, f3t, tt]
    flags = ["Positional"]
    if code == "movLit":
        bs = []
        for b in ops:
            if b == 0:
                break
            bs.append(b)
        return [(name, args, "lit", flags, bs, 0)]
    if code == "movRegMem":
        return [(name, args, "to_rm", flags, [ops[0]], ops[1])]
    if code == "movMemReg":
        return [(name, args, "from_rm", flags, [ops[0]], ops[1])]
    if code == "movRegMem2op":
        return [(name, args, "sreg_rm", flags, ops[:2], ops[2])]
    if code == "movMemReg2op":
        return [(name, args, "rm_sreg", flags, ops[:2], ops[2])]
    if code == "movDoubleShift":
        t = ops
        pre = []
        if t[0] == PREFIX["Pw"]:
            flags = flags + ["W"]
            t = t[1:]
        elif t[0] == PREFIX["Pe"]:
            pre = [0x66]
            t = t[1:]
        if ft == "Yi8":
            return [(name, args, "shift3_ib", flags, pre + [0x0F, t[0]], 0)]
        return [(name, args, "shift3_cl", flags, pre + [0x0F, t[1]], 0)]
    if code == "movTLSReg":
        return [(name, args, "tls_load", flags, [], 0)]
    raise SystemExit("unhandled mov code " + code)


def render(goroot):
    optab, ytabs, movtab = parse(goroot)
    avx_optab, avx_ytabs = parse_avx(goroot, dict(PREFIX))
    by_op = {}
    order = []
    for name, ytab, prefix, ops in optab:
        order.append(name)
        by_op[name] = list(forms_of(name, ytabs[ytab], prefix, ops))
    for row in movtab:
        if row[0] not in by_op:
            order.append(row[0])
            by_op[row[0]] = []
        by_op[row[0]] += mov_forms(*row)
    for name, ytab, ops in avx_optab:
        order.append(name)
        by_op[name] = list(avx_forms(name, avx_ytabs[ytab], ops))
    out = ["// Code generated by tools/gen_x86_forms.py from Go 1.19's asm6.go and avx_optabs.go. DO NOT EDIT.",
           "// One row per instruction form, tried in order: {op, {operand classes in Go order},",
           "// encoding kind, flags, {opcode bytes}, ModRM digit / long opcode / data width}.",
           ""]
    for name in order:
        for (op, args, enc, flags, code, digit) in by_op[name]:
            fl = "|".join("F_" + f for f in flags) if flags else "0"
            out.append("{%s, {%s}, %s, %s, %s, 0x%02X}," %
                       (op, ", ".join(args), enc, fl, hexs(code), digit))
    return "\n".join(out) + "\n"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    goroot = args[0] if args else os.environ.get("GOROOT", "/usr/lib/go-1.19")
    text = render(goroot)
    return genutil.emit_or_check(text, os.path.relpath(OUT, genutil.ROOT),
                                 "rerun tools/gen_x86_forms.py")


if __name__ == "__main__":
    sys.exit(main())
