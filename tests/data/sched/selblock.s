// Selects that never complete, or panic. Go 1.19 gives the same first lines for each:
//   (default)       select {}: "fatal error: all goroutines are asleep - deadlock!" and
//                   "goroutine 1 [select (no cases)]:"
//   -D ALLNIL       select { case <-a: case b <- 1: } with a and b nil: "goroutine 1 [select]:"
//   -D SENDCLOSED   select { case c <- 1: case <-nilc: } with c closed: "panic: send on
//                   closed channel"
//   -D PARKED       a goroutine parks in select { case c <- 1: case <-d: } and main closes c:
//                   the goroutine wakes into the same panic
#include "textflag.h"

// func sendorrecv(c, d unsafe.Pointer): select { case c <- 1: case <-d: }
TEXT ·sendorrecv(SB), $96-16
	MOVQ $1, one-8(SP)
	MOVQ c+0(FP), AX
	MOVQ AX, c0-40(SP)
	LEAQ one-8(SP), AX
	MOVQ AX, e0-32(SP)
	MOVQ d+8(FP), AX
	MOVQ AX, c1-24(SP)
	MOVQ $0, e1-16(SP)
	LEAQ c0-40(SP), AX
	MOVQ AX, 0(SP)
	MOVQ $1, 8(SP)
	MOVQ $1, 16(SP)
	MOVB $1, 24(SP)
	CALL ·selectn(SB)
	RET

DATA ·sendorrecvfv+0(SB)/8, $·sendorrecv(SB)
GLOBL ·sendorrecvfv(SB), RODATA, $8

TEXT ·main(SB), $96
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, c-8(SP)
#ifdef ALLNIL
	MOVQ $0, c0-40(SP)
	MOVQ $0, e0-32(SP)
	MOVQ $0, c1-24(SP)
	MOVQ $0, e1-16(SP)
	LEAQ c0-40(SP), AX
	MOVQ AX, 0(SP)
	MOVQ $1, 8(SP)
	MOVQ $1, 16(SP)
	MOVB $1, 24(SP)
	CALL ·selectn(SB)
#else
#ifdef SENDCLOSED
	MOVQ AX, 0(SP)
	CALL ·close(SB)
	MOVQ c-8(SP), AX
	MOVQ AX, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·sendorrecv(SB)
#else
#ifdef PARKED
	// go sendorrecv(c, d) with d a second channel; main waits on d itself meanwhile
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, d-16(SP)
	MOVL $16, 0(SP)
	LEAQ ·sendorrecvfv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ c-8(SP), AX
	MOVQ AX, 16(SP)
	MOVQ d-16(SP), AX
	MOVQ AX, 24(SP)
	CALL runtime·newproc(SB)
	CALL runtime·Gosched(SB)
	MOVQ c-8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·close(SB)
	MOVQ d-16(SP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
#else
	MOVQ $0, 0(SP)
	MOVQ $0, 8(SP)
	MOVQ $0, 16(SP)
	MOVB $1, 24(SP)
	CALL ·selectn(SB)
#endif
#endif
#endif
	RET
