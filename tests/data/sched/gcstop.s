// runtime·GC shrinks the stack of a goroutine that is running on another P: the spinner grows
// its stack to 64 KiB, comes back, keeps a pointer to a local, and spins in a loop that calls
// a function with a stack check (counting its rounds in ·ticks) until main·main sets ·stop.
// Meanwhile main·main calls runtime·GC eight times, each time after the spinner has gone
// round once more. With more than one P each scan finds the spinner running on another P,
// stops it at its next prologue (preemptStop), shrinks its stack by half and lets it go on:
// 64 KiB -> 2 KiB in five moves. (With one P the spinner is runnable during each scan, which
// shrinks it directly.) Then the spinner reads the local through its pointer and sends it.
// Prints 12345.
#include "textflag.h"

GLOBL ·started(SB), NOPTR, $8
GLOBL ·stop(SB), NOPTR, $8
GLOBL ·ticks(SB), NOPTR, $8

// func spinner(done unsafe.Pointer)
TEXT ·spinner(SB), $32-8
	MOVQ $60, 0(SP)
	CALL ·deep(SB)
	MOVQ $12345, v-8(SP)
	LEAQ v-8(SP), AX
	MOVQ AX, p-16(SP)
	MOVQ $1, ·started(SB)
spin:
	INCQ ·ticks(SB)
	CALL ·step(SB)
	MOVQ ·stop(SB), AX
	CMPQ AX, $0
	JEQ spin
	MOVQ done+0(FP), AX
	MOVQ AX, 0(SP)
	MOVQ p-16(SP), AX
	MOVQ (AX), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	RET

DATA ·spinnerfv+0(SB)/8, $·spinner(SB)
GLOBL ·spinnerfv(SB), RODATA, $8

TEXT ·main(SB), $32
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, done-8(SP)
	LEAQ ·spinnerfv(SB), BX
	MOVQ BX, 0(SP)
	MOVQ AX, 8(SP)
	CALL ·go1(SB)
wait:
	CALL ·step(SB)
	MOVQ ·started(SB), AX
	CMPQ AX, $0
	JEQ wait
	MOVQ $8, i-16(SP)
scan:
	CALL runtime·GC(SB)
	MOVQ ·ticks(SB), AX
	MOVQ AX, t-24(SP)
again:
	CALL ·step(SB)
	MOVQ ·ticks(SB), AX
	CMPQ AX, t-24(SP)
	JEQ again
	DECQ i-16(SP)
	JNE scan
	MOVQ $1, ·stop(SB)
	MOVQ done-8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	MOVQ 8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	RET
