// Spawn + finish (issue 5/6 benchmark; Go's peer: go-runtime-bench -mode spawn): N goroutines
// in flight at once, ROUNDS times (the first round is cold: every G and 2 KiB stack is new,
// later rounds reuse them through gfput/gfget), then N goroutines in batches of 1000.
// Each goroutine does one atomic decrement, as the peer's wg.Done(). Prints
//   spawn_all <ns for N>      (ROUNDS lines)
//   spawn_batch <ns for N>    (ROUNDS lines)
//   gostack run -maxprocs 1 -D N=1000000 bench/runtime/spawn_amd64.s
#include "textflag.h"
#include "bench.h"

#ifndef N
#define N 1000000
#endif
#ifndef ROUNDS
#define ROUNDS 5
#endif
#define BATCH 1000

GLOBL ·pending(SB), NOPTR, $8

STR16(·kall, "spawn_al", "l\x00\x00\x00\x00\x00\x00\x00")
STR16(·kbatch, "spawn_ba", "tch\x00\x00\x00\x00\x00")

// func worker(): one finished goroutine.
TEXT ·worker(SB), NOSPLIT, $0-0
	MOVQ	$-1, AX
	LOCK
	XADDQ	AX, ·pending(SB)
	RET

DATA ·workerfv+0(SB)/8, $·worker(SB)
GLOBL ·workerfv(SB), RODATA, $8

// func spawn(n int): starts n workers, then yields until all of them have finished.
TEXT ·spawn(SB), $24-8
	MOVQ	n+0(FP), CX
	MOVQ	CX, ·pending(SB)
	MOVQ	CX, 16(SP)
start:
	MOVL	$0, 0(SP)
	LEAQ	·workerfv(SB), AX
	MOVQ	AX, 8(SP)
	CALL	runtime·newproc(SB)
	DECQ	16(SP)
	JNZ	start
wait:
	CMPQ	·pending(SB), $0
	JEQ	done
	CALL	runtime·Gosched(SB)
	JMP	wait
done:
	RET

// 24(SP): start time; 32(SP): rounds left; 40(SP): batches left.
TEXT ·main(SB), $48
	MOVQ	$ROUNDS, 32(SP)
all:
	NANOTIME(AX)
	MOVQ	AX, 24(SP)
	MOVQ	$N, 0(SP)
	CALL	·spawn(SB)
	NANOTIME(AX)
	SUBQ	24(SP), AX
	PRINTKV(·kall, 9, AX)
	DECQ	32(SP)
	JNZ	all

	MOVQ	$ROUNDS, 32(SP)
batched:
	NANOTIME(AX)
	MOVQ	AX, 24(SP)
	MOVQ	$(N/BATCH), 40(SP)
batch:
	MOVQ	$BATCH, 0(SP)
	CALL	·spawn(SB)
	DECQ	40(SP)
	JNZ	batch
	NANOTIME(AX)
	SUBQ	24(SP), AX
	PRINTKV(·kbatch, 11, AX)
	DECQ	32(SP)
	JNZ	batched
	RET
