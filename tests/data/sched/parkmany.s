// Many parked goroutines: N receivers (default 1,000,000; -D N=...) each report on a ready
// channel and park receiving from c; once all have reported, main·main sends 1..N on c,
// each receiver adds its value to a shared sum (LOCK XADDQ) and reports on done. Prints the
// sum, N(N+1)/2.
#include "textflag.h"
#ifndef N
#define N 1000000
#endif

GLOBL ·sum(SB), NOPTR, $8

// func receiver(c, ready, done unsafe.Pointer)
TEXT ·receiver(SB), $16-24
	MOVQ ready+8(FP), AX
	MOVQ AX, 0(SP)
	MOVQ $1, 8(SP)
	CALL ·send(SB)
	MOVQ c+0(FP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	MOVQ 8(SP), AX
	LOCK
	XADDQ AX, ·sum(SB)
	MOVQ done+16(FP), AX
	MOVQ AX, 0(SP)
	MOVQ $1, 8(SP)
	CALL ·send(SB)
	RET

DATA ·receiverfv+0(SB)/8, $·receiver(SB)
GLOBL ·receiverfv(SB), RODATA, $8

TEXT ·main(SB), $80
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, c-8(SP)
	MOVQ $8, 0(SP)
	MOVQ $N, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, ready-16(SP)
	MOVQ $8, 0(SP)
	MOVQ $N, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, done-24(SP)
	MOVQ $N, i-32(SP)
spawn:
	MOVL $24, 0(SP)
	LEAQ ·receiverfv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ c-8(SP), AX
	MOVQ AX, 16(SP)
	MOVQ ready-16(SP), AX
	MOVQ AX, 24(SP)
	MOVQ done-24(SP), AX
	MOVQ AX, 32(SP)
	CALL runtime·newproc(SB)
	DECQ i-32(SP)
	JNE spawn
	MOVQ $N, i-32(SP)
waitready:
	MOVQ ready-16(SP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	DECQ i-32(SP)
	JNE waitready
	MOVQ $1, i-32(SP)
feed:
	MOVQ c-8(SP), AX
	MOVQ AX, 0(SP)
	MOVQ i-32(SP), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	INCQ i-32(SP)
	CMPQ i-32(SP), $N
	JLE feed
	MOVQ $N, i-32(SP)
waitdone:
	MOVQ done-24(SP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	DECQ i-32(SP)
	JNE waitdone
	MOVQ ·sum(SB), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	RET
