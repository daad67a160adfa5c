// Shared by the runtime benchmark programs (bench/runtime/*_amd64.s, run by
// bench/runtime_vs_go.py with `gostack run`): printing one "key value" result line to stderr.
// Each program prints raw integers (counts and nanoseconds); the script derives per-operation
// figures and compares them with Go's peer program, which prints the same keys.

// PRINTKV(key, reg): prints `key <value of reg>\n`; key is a DATA/GLOBL string symbol of
// length keylen. Uses 0(SP), 8(SP) and 16(SP) of the caller's frame (at least $24).
#define PRINTKV(key, keylen, reg) \
	MOVQ	reg, 16(SP); \
	LEAQ	key(SB), AX; \
	MOVQ	AX, 0(SP); \
	MOVQ	$keylen, 8(SP); \
	CALL	runtime·printstring(SB); \
	CALL	runtime·printsp(SB); \
	MOVQ	16(SP), AX; \
	MOVQ	AX, 0(SP); \
	CALL	runtime·printint(SB); \
	CALL	runtime·printnl(SB)

// NANOTIME(reg): reg = runtime·nanotime(); clobbers AX.
#define NANOTIME(reg) \
	CALL	runtime·nanotime(SB); \
	MOVQ	0(SP), reg

// STR8/STR16(sym, s...): a read-only string symbol of up to 8 / 16 bytes (DATA takes 8 at a time).
#define STR8(sym, a) \
	DATA	sym+0(SB)/8, $a; \
	GLOBL	sym(SB), RODATA, $8
#define STR16(sym, a, b) \
	DATA	sym+0(SB)/8, $a; \
	DATA	sym+8(SB)/8, $b; \
	GLOBL	sym(SB), RODATA, $16


// GO1(fv, arg): `go f(arg)` for a one-word argument, fv being f's funcval symbol (ABI0
// runtime·newproc: siz, fn, then the argument, at 0, 8 and 16(SP); clobbers AX).
#define GO1(fv, arg) \
	MOVL	$8, 0(SP); \
	LEAQ	fv(SB), AX; \
	MOVQ	AX, 8(SP); \
	MOVQ	arg, 16(SP); \
	CALL	runtime·newproc(SB)

// MAKECHAN(size, dst): dst = make(chan int, size) through runtime·makechan (clobbers AX).
#define MAKECHAN(size, dst) \
	MOVQ	$8, 0(SP); \
	MOVQ	$size, 8(SP); \
	CALL	runtime·makechan(SB); \
	MOVQ	16(SP), AX; \
	MOVQ	AX, dst
