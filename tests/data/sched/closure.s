// Closures and deep stacks on every P: 100 goroutines start from a funcval that carries a
// captured multiplier (read through DX, as Go closures do) and send n*1000; 100 others recurse
// 1000*n frames deep (growing their stacks by copying up to ~8 MiB) and send the sum
// 1+...+1000n. main·main adds everything up: 169182575000.
#include "textflag.h"

GLOBL ·results(SB), NOPTR, $8

// func worker(n int), started from ·closure: results <- n * captured. NEEDCTXT, as Go requires
// of assembly that reads DX: its prologue then keeps DX across morestack (a preemption request
// can trip the check even on entry; morestack_noctxt would clear DX).
TEXT ·worker(SB), NEEDCTXT, $16-8
	MOVQ 8(DX), AX  // the captured multiplier, after the code pointer
	IMULQ n+0(FP), AX
	MOVQ ·results(SB), CX
	MOVQ CX, 0(SP)
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	RET

DATA ·closure+0(SB)/8, $·worker(SB)
DATA ·closure+8(SB)/8, $1000
GLOBL ·closure(SB), RODATA, $16

// func rec(n int) int: n + rec(n-1), one 64-byte frame per level
TEXT ·rec(SB), $64-16
	MOVQ n+0(FP), AX
	CMPQ AX, $0
	JEQ base
	DECQ AX
	MOVQ AX, 0(SP)
	CALL ·rec(SB)
	MOVQ 8(SP), AX
	ADDQ n+0(FP), AX
base:
	MOVQ AX, ret+8(FP)
	RET

// func recworker(n int): results <- rec(n)
TEXT ·recworker(SB), $16-8
	MOVQ n+0(FP), AX
	MOVQ AX, 0(SP)
	CALL ·rec(SB)
	MOVQ 8(SP), AX
	MOVQ ·results(SB), CX
	MOVQ CX, 0(SP)
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	RET

DATA ·recfv+0(SB)/8, $·recworker(SB)
GLOBL ·recfv(SB), RODATA, $8

TEXT ·main(SB), $40
	MOVQ $8, 0(SP)
	MOVQ $16, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, ·results(SB)
	MOVQ $1, i-8(SP)
spawn:
	LEAQ ·closure(SB), AX
	MOVQ AX, 0(SP)
	MOVQ i-8(SP), AX
	MOVQ AX, 8(SP)
	CALL ·go1(SB)
	LEAQ ·recfv(SB), AX
	MOVQ AX, 0(SP)
	MOVQ i-8(SP), AX
	IMULQ $1000, AX
	MOVQ AX, 8(SP)
	CALL ·go1(SB)
	INCQ i-8(SP)
	CMPQ i-8(SP), $100
	JLE spawn
	MOVQ $0, sum-16(SP)
	MOVQ $200, i-8(SP)
collect:
	MOVQ ·results(SB), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	MOVQ 8(SP), AX
	ADDQ AX, sum-16(SP)
	DECQ i-8(SP)
	JNE collect
	MOVQ sum-16(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	RET
