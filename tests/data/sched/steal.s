// Work stealing: main·main queues 64 goroutines on its own P, each spinning through 2^22
// iterations (a few milliseconds: even on a loaded machine the OS runs the idle Ms' threads
// before main's P has done everything alone) and then reporting its id on a buffered
// channel; idle Ps must steal from main's queue to help. Prints the sum of ids (2080).
// With -D WAITSTEAL main·main then waits in a loop without calls (so it cannot be preempted
// and keeps its P) until a busy goroutine has started: only a steal can start one.
#include "textflag.h"

GLOBL ·started(SB), NOPTR, $8

// func busy(done unsafe.Pointer, id int)
TEXT ·busy(SB), $16-16
	MOVQ $1, ·started(SB)
	MOVQ $(1<<22), CX
spin:
	DECQ CX
	JNE spin
	MOVQ done+0(FP), AX
	MOVQ AX, 0(SP)
	MOVQ id+8(FP), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	RET

DATA ·busyfv+0(SB)/8, $·busy(SB)
GLOBL ·busyfv(SB), RODATA, $8

TEXT ·main(SB), $64
	MOVQ $8, 0(SP)
	MOVQ $64, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, done-8(SP)
	MOVQ $64, i-16(SP)
spawn:
	MOVL $16, 0(SP)
	LEAQ ·busyfv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ done-8(SP), AX
	MOVQ AX, 16(SP)
	MOVQ i-16(SP), AX
	MOVQ AX, 24(SP)
	CALL runtime·newproc(SB)
	DECQ i-16(SP)
	JNE spawn
#ifdef WAITSTEAL
wait:
	PAUSE
	MOVQ ·started(SB), AX
	CMPQ AX, $0
	JEQ wait
#endif
	MOVQ $0, sum-24(SP)
	MOVQ $64, i-16(SP)
collect:
	MOVQ done-8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	MOVQ 8(SP), AX
	ADDQ AX, sum-24(SP)
	DECQ i-16(SP)
	JNE collect
	MOVQ sum-24(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	RET
