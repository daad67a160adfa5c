// Stack growth (issue 5 benchmark; Go's peer: go-runtime-bench -mode grow): a fresh goroutine
// recurses DEPTH deep in 64-byte frames (Go's rec: a [4]int local, $48 of locals and
// arguments, the saved BP and the return PC), growing its stack 2 KiB -> ... by copying, then
// recurses as deep again on the grown stack. The difference of the two times is the growth
// cost. REPS goroutines in turn (the first one is cold). Prints per goroutine
//   grow_first <ns>   grow_second <ns>
//   gostack run -maxprocs 1 -D DEPTH=16352 bench/runtime/grow_amd64.s      (to 1 MiB)
//   gostack run -maxprocs 1 -D DEPTH=1048544 -D REPS=4 bench/runtime/grow_amd64.s (to 64 MiB)
#include "textflag.h"
#include "bench.h"

#ifndef DEPTH
#define DEPTH 16352
#endif
#ifndef REPS
#define REPS 6
#endif

GLOBL ·running(SB), NOPTR, $8
GLOBL ·first(SB), NOPTR, $8
GLOBL ·second(SB), NOPTR, $8

STR16(·kfirst, "grow_fir", "st\x00\x00\x00\x00\x00\x00")
STR16(·ksecond, "grow_sec", "ond\x00\x00\x00\x00\x00")

// func rec(n int) int: a[n&3] = n; rec(n-1) + a[(n+1)&3], with a zeroed [4]int at 16(SP).
TEXT ·rec(SB), $48-16
	MOVQ	$0, 16(SP)
	MOVQ	$0, 24(SP)
	MOVQ	$0, 32(SP)
	MOVQ	$0, 40(SP)
	MOVQ	n+0(FP), AX
	MOVQ	AX, CX
	ANDQ	$3, CX
	MOVQ	AX, 16(SP)(CX*8)
	CMPQ	AX, $0
	JNE	deeper
	MOVQ	16(SP), AX
	MOVQ	AX, ret+8(FP)
	RET
deeper:
	DECQ	AX
	MOVQ	AX, 0(SP)
	CALL	·rec(SB)
	MOVQ	n+0(FP), AX
	INCQ	AX
	ANDQ	$3, AX
	MOVQ	16(SP)(AX*8), AX
	ADDQ	8(SP), AX
	MOVQ	AX, ret+8(FP)
	RET

// func grower(depth int): times rec(depth) on a new stack, then again on the grown one.
TEXT ·grower(SB), $24-8
	NANOTIME(AX)
	MOVQ	AX, 16(SP)
	MOVQ	depth+0(FP), AX
	MOVQ	AX, 0(SP)
	CALL	·rec(SB)
	NANOTIME(AX)
	MOVQ	AX, BX
	SUBQ	16(SP), BX
	MOVQ	BX, ·first(SB)
	MOVQ	AX, 16(SP)
	MOVQ	depth+0(FP), AX
	MOVQ	AX, 0(SP)
	CALL	·rec(SB)
	NANOTIME(AX)
	SUBQ	16(SP), AX
	MOVQ	AX, ·second(SB)
	MOVQ	$0, ·running(SB)
	RET

DATA ·growerfv+0(SB)/8, $·grower(SB)
GLOBL ·growerfv(SB), RODATA, $8

// 32(SP): goroutines left.
TEXT ·main(SB), $40
	MOVQ	$REPS, 32(SP)
rep:
	MOVQ	$1, ·running(SB)
	GO1(·growerfv, $DEPTH)
wait:
	CMPQ	·running(SB), $0
	JEQ	report
	CALL	runtime·Gosched(SB)
	JMP	wait
report:
	MOVQ	·first(SB), AX
	PRINTKV(·kfirst, 10, AX)
	MOVQ	·second(SB), AX
	PRINTKV(·ksecond, 11, AX)
	DECQ	32(SP)
	JNZ	rep
	RET
