// Gosched lets every runnable goroutine run before its caller goes on: main·main starts N
// goroutines that each count themselves, calls runtime·Gosched once and prints the count.
// With N = 3 they all wait in main's local queue (runnext and the ring); with N = 300 the
// ring (256) overflows and half of it moves to the global queue, where main must queue behind
// them. With -maxprocs 1 the output is N.
#include "textflag.h"

#ifndef N
#define N 3
#endif

GLOBL ·ran(SB), NOPTR, $8

TEXT ·counter(SB), $0-0
	MOVQ $1, AX
	LOCK
	XADDQ AX, ·ran(SB)
	RET

DATA ·counterfv+0(SB)/8, $·counter(SB)
GLOBL ·counterfv(SB), RODATA, $8

TEXT ·main(SB), $24
	MOVQ $N, i-8(SP)
spawn:
	MOVL $0, 0(SP)
	LEAQ ·counterfv(SB), AX
	MOVQ AX, 8(SP)
	CALL runtime·newproc(SB)
	DECQ i-8(SP)
	JNE spawn
	CALL runtime·Gosched(SB)
	MOVQ ·ran(SB), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	RET
