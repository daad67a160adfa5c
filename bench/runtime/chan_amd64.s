// Unbuffered channel round trip (issue 6 benchmark; Go's peer: go-runtime-bench -mode chan):
// main sends i on channel a, an echo goroutine receives it and sends it back on b, main
// receives it; N round trips after one warm-up. Prints
//   chan_roundtrips <N>   chan_total <ns>   chan_sum <sum of the echoed values>
//   gostack run -maxprocs 1 -D N=1000000 bench/runtime/chan_amd64.s
#include "textflag.h"
#include "bench.h"

#ifndef N
#define N 1000000
#endif

GLOBL ·a(SB), NOPTR, $8
GLOBL ·b(SB), NOPTR, $8

STR16(·ktrips, "chan_rou", "ndtrips\x00")
STR16(·ktotal, "chan_tot", "al\x00\x00\x00\x00\x00\x00")
STR8(·ksum, "chan_sum")

// func echo(n int): n times, v := <-a; b <- v.
TEXT ·echo(SB), $24-8
loop:
	MOVQ	·a(SB), AX
	MOVQ	AX, 0(SP)
	LEAQ	v-8(SP), AX
	MOVQ	AX, 8(SP)
	CALL	runtime·chanrecv1(SB)
	MOVQ	·b(SB), AX
	MOVQ	AX, 0(SP)
	LEAQ	v-8(SP), AX
	MOVQ	AX, 8(SP)
	CALL	runtime·chansend1(SB)
	DECQ	n+0(FP)
	JNZ	loop
	RET

DATA ·echofv+0(SB)/8, $·echo(SB)
GLOBL ·echofv(SB), RODATA, $8

// func roundtrip(v int) int: a <- v; return <-b.
TEXT ·roundtrip(SB), $24-16
	MOVQ	·a(SB), AX
	MOVQ	AX, 0(SP)
	LEAQ	v+0(FP), AX
	MOVQ	AX, 8(SP)
	CALL	runtime·chansend1(SB)
	MOVQ	·b(SB), AX
	MOVQ	AX, 0(SP)
	LEAQ	ret+8(FP), AX
	MOVQ	AX, 8(SP)
	CALL	runtime·chanrecv1(SB)
	RET

// 24(SP): start time; 32(SP): i; 40(SP): sum.
TEXT ·main(SB), $48
	MAKECHAN(0, ·a(SB))
	MAKECHAN(0, ·b(SB))
	GO1(·echofv, $(N+1))
	MOVQ	$0, 0(SP)
	CALL	·roundtrip(SB)	// warm-up: the echo goroutine is parked on a from now on
	MOVQ	$0, 40(SP)
	MOVQ	$N, 32(SP)
	NANOTIME(AX)
	MOVQ	AX, 24(SP)
trip:
	MOVQ	32(SP), AX
	MOVQ	AX, 0(SP)
	CALL	·roundtrip(SB)
	MOVQ	8(SP), AX
	ADDQ	AX, 40(SP)
	DECQ	32(SP)
	JNZ	trip
	NANOTIME(AX)
	SUBQ	24(SP), AX
	MOVQ	AX, 24(SP)
	MOVQ	$N, AX
	PRINTKV(·ktrips, 15, AX)
	MOVQ	24(SP), AX
	PRINTKV(·ktotal, 10, AX)
	MOVQ	40(SP), AX
	PRINTKV(·ksum, 8, AX)
	RET
