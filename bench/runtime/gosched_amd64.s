// Gosched switch cost (issue 6 benchmark; Go's peer: go-runtime-bench -mode gosched): two
// goroutines each call runtime·Gosched N times; main is one of them, so no third goroutine
// takes part in the rotation. Prints
//   gosched_switches <2N>   gosched_total <ns>
//   gostack run -maxprocs 1 -D N=1000000 bench/runtime/gosched_amd64.s
#include "textflag.h"
#include "bench.h"

#ifndef N
#define N 1000000
#endif

GLOBL ·running(SB), NOPTR, $8

STR16(·kswitches, "gosched_", "switches")
STR16(·ktotal, "gosched_", "total\x00\x00\x00")

// func yielder(n int): Gosched n times.
TEXT ·yielder(SB), $8-8
	MOVQ	n+0(FP), AX
	MOVQ	AX, 0(SP)
loop:
	CALL	runtime·Gosched(SB)
	DECQ	0(SP)
	JNZ	loop
	RET

// func partner(n int): yielder(n), then tells main it is done.
TEXT ·partner(SB), $8-8
	MOVQ	n+0(FP), AX
	MOVQ	AX, 0(SP)
	CALL	·yielder(SB)
	MOVQ	$0, ·running(SB)
	RET

DATA ·partnerfv+0(SB)/8, $·partner(SB)
GLOBL ·partnerfv(SB), RODATA, $8

// 24(SP): start time.
TEXT ·main(SB), $32
	NANOTIME(AX)
	MOVQ	AX, 24(SP)
	MOVQ	$1, ·running(SB)
	GO1(·partnerfv, $N)
	MOVQ	$N, 0(SP)
	CALL	·yielder(SB)
wait:
	CMPQ	·running(SB), $0
	JEQ	done
	CALL	runtime·Gosched(SB)
	JMP	wait
done:
	NANOTIME(AX)
	SUBQ	24(SP), AX
	MOVQ	AX, 24(SP)
	MOVQ	$(2*N), AX
	PRINTKV(·kswitches, 16, AX)
	MOVQ	24(SP), AX
	PRINTKV(·ktotal, 13, AX)
	RET
