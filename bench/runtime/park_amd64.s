// Memory per parked goroutine (issue 6 benchmark; Go's peer: go-runtime-bench -mode park):
// N goroutines each count themselves and block receiving from a channel nobody sends on.
// Once all have counted, main yields once more so the last ones reach the receive, prints
// park_goroutines and returns; `-stats` then reports rss_bytes with every goroutine parked.
// The script runs it with N and with 0 and divides the difference by N.
//   gostack run -maxprocs 1 -stats -D N=1000000 bench/runtime/park_amd64.s
#include "textflag.h"
#include "bench.h"

#ifndef N
#define N 1000000
#endif

GLOBL ·ch(SB), NOPTR, $8
GLOBL ·started(SB), NOPTR, $8

STR16(·kparked, "park_gor", "outines\x00")

// func parker(): started++; <-ch.
TEXT ·parker(SB), $24-0
	MOVQ	$1, AX
	LOCK
	XADDQ	AX, ·started(SB)
	MOVQ	·ch(SB), AX
	MOVQ	AX, 0(SP)
	LEAQ	v-8(SP), AX
	MOVQ	AX, 8(SP)
	CALL	runtime·chanrecv1(SB)
	RET

DATA ·parkerfv+0(SB)/8, $·parker(SB)
GLOBL ·parkerfv(SB), RODATA, $8

// 24(SP): goroutines left to start.
TEXT ·main(SB), $32
	MAKECHAN(0, ·ch(SB))
	MOVQ	$N, 24(SP)
	CMPQ	24(SP), $0
	JEQ	report
start:
	MOVL	$0, 0(SP)
	LEAQ	·parkerfv(SB), AX
	MOVQ	AX, 8(SP)
	CALL	runtime·newproc(SB)
	DECQ	24(SP)
	JNZ	start
wait:
	CALL	runtime·Gosched(SB)
	CMPQ	·started(SB), $N
	JNE	wait
	CALL	runtime·Gosched(SB)
report:
	MOVQ	·started(SB), AX
	PRINTKV(·kparked, 15, AX)
	RET
