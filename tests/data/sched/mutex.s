// A mutex made of a buffered channel of one, under contention on every P: 50 goroutines each
// do 200 times lock, read a plain counter, Gosched, write it back plus one, unlock, add one
// with LOCK XADDQ, and call runtime·GC. main·main waits for all 50 on a done channel and
// prints both counters: 10000 and 10000 (a lost update would show in the first).
#include "textflag.h"

GLOBL ·mu(SB), NOPTR, $8
GLOBL ·done(SB), NOPTR, $8
GLOBL ·counter(SB), NOPTR, $8
GLOBL ·atomiccounter(SB), NOPTR, $8

// func worker(n int)
TEXT ·worker(SB), $24-8
	MOVQ n+0(FP), AX
	MOVQ AX, i-8(SP)
loop:
	MOVQ ·mu(SB), AX  // lock: mu <- 1
	MOVQ AX, 0(SP)
	MOVQ $1, 8(SP)
	CALL ·send(SB)
	MOVQ ·counter(SB), AX
	MOVQ AX, tmp-16(SP)
	CALL runtime·Gosched(SB)
	MOVQ tmp-16(SP), AX
	INCQ AX
	MOVQ AX, ·counter(SB)
	MOVQ ·mu(SB), AX  // unlock: <-mu
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	MOVQ $1, AX
	LOCK
	XADDQ AX, ·atomiccounter(SB)
	CALL runtime·GC(SB)
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
	MOVQ $1, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, ·mu(SB)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, ·done(SB)
	LEAQ ·workerfv(SB), AX
	MOVQ AX, 0(SP)
	MOVQ $50, 8(SP)
	MOVQ $200, 16(SP)
	CALL ·gon(SB)
	MOVQ ·done(SB), AX
	MOVQ AX, 0(SP)
	MOVQ $50, 8(SP)
	CALL ·recvn(SB)
	MOVQ ·counter(SB), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	MOVQ ·atomiccounter(SB), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	RET
