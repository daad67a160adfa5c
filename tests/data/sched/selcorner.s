// select's corner cases, each a select statement as the compiler lowers it (runtime·selectgo):
//   nil and closed channel        -> the closed one (1), ok 0, v 0
//   receive, default, empty       -> default (-1)
//   send 7, default, room         -> sent (0); send 8, default, full -> default (-1)
//   the same channel twice        -> either case: v 7, ok 1
//   send and receive on one channel (capacity 1): empty -> the send (0), full -> the receive
//                                    (1) of the 3 just sent
//   only nil channels, default    -> default (-1)
// These twelve lines are what the same program prints under Go 1.19. Last, selectgo with no
// cases and block false (Go's compiler never emits it; `select { default: }` is no call)
// returns -1.
#include "textflag.h"

// PRINT(v): println(v)
#define PRINT(v) MOVQ v, AX; MOVQ AX, 0(SP); CALL ·println(SB)
// SELECT(nsends, nrecvs, block): selectn over the cases at c0-72(SP); casi in AX, ok in BX
#define SELECT(ns, nr, blk) LEAQ c0-72(SP), AX; MOVQ AX, 0(SP); MOVQ $ns, 8(SP); MOVQ $nr, 16(SP); MOVB $blk, 24(SP); CALL ·selectn(SB); MOVQ 32(SP), AX; MOVBQZX 40(SP), BX

// locals: closed, c, v, x (a value to send), ok; cases [2]scase at c0-72(SP)
TEXT ·main(SB), $128
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, closed-8(SP)
	MOVQ AX, 0(SP)
	CALL ·close(SB)
	MOVQ $8, 0(SP)
	MOVQ $1, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, c-16(SP)

	// select { case v = <-nilc: case v, ok = <-closed: }
	MOVQ $-1, v-24(SP)
	MOVQ $0, c0-72(SP)
	LEAQ v-24(SP), AX
	MOVQ AX, e0-64(SP)
	MOVQ closed-8(SP), AX
	MOVQ AX, c1-56(SP)
	LEAQ v-24(SP), AX
	MOVQ AX, e1-48(SP)
	SELECT(0, 2, 1)
	MOVQ BX, ok-40(SP)
	PRINT(AX)
	PRINT(ok-40(SP))
	PRINT(v-24(SP))

	// select { case v = <-c: default: }
	MOVQ c-16(SP), AX
	MOVQ AX, c0-72(SP)
	LEAQ v-24(SP), AX
	MOVQ AX, e0-64(SP)
	SELECT(0, 1, 0)
	PRINT(AX)

	// select { case c <- 7: default: } twice (7, then 8 into the full buffer)
	MOVQ $7, x-32(SP)
	LEAQ x-32(SP), AX
	MOVQ AX, e0-64(SP)
	SELECT(1, 0, 0)
	PRINT(AX)
	MOVQ $8, x-32(SP)
	SELECT(1, 0, 0)
	PRINT(AX)

	// select { case v, ok = <-c: case v, ok = <-c: }
	MOVQ c-16(SP), AX
	MOVQ AX, c0-72(SP)
	MOVQ AX, c1-56(SP)
	LEAQ v-24(SP), AX
	MOVQ AX, e0-64(SP)
	MOVQ AX, e1-48(SP)
	SELECT(0, 2, 1)
	MOVQ BX, ok-40(SP)
	PRINT(v-24(SP))
	PRINT(ok-40(SP))

	// select { case c <- 3: case v = <-c: }, then { case c <- 4: case v = <-c: }
	MOVQ $3, x-32(SP)
	LEAQ x-32(SP), AX
	MOVQ AX, e0-64(SP)
	SELECT(1, 1, 1)
	PRINT(AX)
	MOVQ $4, x-32(SP)
	SELECT(1, 1, 1)
	PRINT(AX)
	PRINT(v-24(SP))

	// select { case nilc <- 1: case <-nilc: default: }
	MOVQ $0, c0-72(SP)
	MOVQ $0, c1-56(SP)
	MOVQ $0, e1-48(SP)
	SELECT(1, 1, 0)
	PRINT(AX)

	// no cases, no blocking
	SELECT(0, 0, 0)
	PRINT(AX)
	RET
