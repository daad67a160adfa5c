// runtime·GC from many goroutines at once while the others grow their stacks, spin and park:
// 16 workers each go round 400 times; a round keeps a pointer to a local holding the round
// number, recurses (i mod 32) frames of 1 KiB, calls runtime·GC every fourth round, calls a
// function with a stack check, and adds the local, read through the pointer, to ·sum with
// LOCK XADDQ. Scans stop running workers (suspendG), shrink runnable and parked ones, and
// every stack move must carry the pointer along. Prints 16 * (400 * 401 / 2) = 1283200.
#include "textflag.h"

GLOBL ·sum(SB), NOPTR, $8
GLOBL ·done(SB), NOPTR, $8

// func worker(n int)
TEXT ·worker(SB), $32-8
	MOVQ n+0(FP), AX
	MOVQ AX, i-8(SP)
loop:
	MOVQ i-8(SP), AX
	MOVQ AX, v-16(SP)
	LEAQ v-16(SP), BX
	MOVQ BX, p-24(SP)
	ANDQ $31, AX
	MOVQ AX, 0(SP)
	CALL ·deep(SB)
	MOVQ i-8(SP), AX
	TESTQ $3, AX
	JNE nogc
	CALL runtime·GC(SB)
nogc:
	CALL ·step(SB)
	MOVQ p-24(SP), AX
	MOVQ (AX), AX
	LOCK
	XADDQ AX, ·sum(SB)
	DECQ i-8(SP)
	JNE loop
	MOVQ ·done(SB), AX
	MOVQ AX, 0(SP)
	MOVQ $1, 8(SP)
	CALL ·send(SB)
	RET

DATA ·workerfv+0(SB)/8, $·worker(SB)
GLOBL ·workerfv(SB), RODATA, $8

TEXT ·main(SB), $32
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, ·done(SB)
	LEAQ ·workerfv(SB), AX
	MOVQ AX, 0(SP)
	MOVQ $16, 8(SP)
	MOVQ $400, 16(SP)
	CALL ·gon(SB)
	MOVQ ·done(SB), AX
	MOVQ AX, 0(SP)
	MOVQ $16, 8(SP)
	CALL ·recvn(SB)
	MOVQ ·sum(SB), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	RET
