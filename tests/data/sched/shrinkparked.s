// Stacks shrink while their goroutines are parked on a channel with pointers into them:
// 10 parkers grow their stacks to 64 KiB, return, and park receiving into a local (the
// sudog's elem) while another local holds a pointer to it. Eight runtime·GC scans shrink
// each parked stack 64 KiB -> 2 KiB (5 moves each). Then main·main sends 1..10; each
// parker reads the value through its pointer and sends back value*1000 + id.
// Prints 55055 (1000 * 55 + 55).
// With -D SELECT the parkers park in select { case v = <-c: case w = <-quit: } instead: two
// sudogs whose elems point at locals, with the cases and the order scratch in the stack too.
// quit never gets a value. The select frames keep each stack at 4 KiB (4 moves each). The
// same program in Go 1.19 (runtime.GC for the scans) prints 55055 too.
#include "textflag.h"

// -D PARKERS=n: n parkers instead of 10 (prints 1001 * n(n+1)/2).
#ifndef PARKERS
#define PARKERS 10
#endif

// func parker(c, out, quit unsafe.Pointer, id int)
#ifdef SELECT
TEXT ·parker(SB), $120-32
#else
TEXT ·parker(SB), $32-32
#endif
	MOVQ $60, 0(SP)
	CALL ·deep(SB)
	MOVQ $-1, v-8(SP)
	LEAQ v-8(SP), AX
	MOVQ AX, p-16(SP)
#ifdef SELECT
	MOVQ c+0(FP), AX
	MOVQ AX, c0-56(SP)
	MOVQ p-16(SP), AX
	MOVQ AX, e0-48(SP)
	MOVQ quit+16(FP), AX
	MOVQ AX, c1-40(SP)
	LEAQ w-24(SP), AX
	MOVQ AX, e1-32(SP)
	LEAQ c0-56(SP), AX
	MOVQ AX, 0(SP)
	MOVQ $0, 8(SP)
	MOVQ $2, 16(SP)
	MOVB $1, 24(SP)
	CALL ·selectn(SB)
#else
	MOVQ c+0(FP), AX
	MOVQ AX, 0(SP)
	MOVQ p-16(SP), AX
	MOVQ AX, 8(SP)
	CALL runtime·chanrecv1(SB)
#endif
	MOVQ p-16(SP), AX
	MOVQ (AX), AX
	IMULQ $1000, AX
	ADDQ id+24(FP), AX
	MOVQ out+8(FP), BX
	MOVQ BX, 0(SP)
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	RET

DATA ·parkerfv+0(SB)/8, $·parker(SB)
GLOBL ·parkerfv(SB), RODATA, $8

TEXT ·main(SB), $88
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, c-8(SP)
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, out-16(SP)
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, quit-40(SP)
	MOVQ $PARKERS, i-24(SP)
spawn:
	MOVL $32, 0(SP)
	LEAQ ·parkerfv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ c-8(SP), AX
	MOVQ AX, 16(SP)
	MOVQ out-16(SP), AX
	MOVQ AX, 24(SP)
	MOVQ quit-40(SP), AX
	MOVQ AX, 32(SP)
	MOVQ i-24(SP), AX
	MOVQ AX, 40(SP)
	CALL runtime·newproc(SB)
	DECQ i-24(SP)
	JNE spawn
	// Wait until all ten are parked: a token round trip through a helper would need more
	// code; on one P a Gosched runs every runnable goroutine until it blocks.
	CALL runtime·Gosched(SB)
	MOVQ $8, i-24(SP)
scan:
	CALL runtime·GC(SB)
	DECQ i-24(SP)
	JNE scan
	MOVQ $1, i-24(SP)
feed:
	MOVQ c-8(SP), AX
	MOVQ AX, 0(SP)
	MOVQ i-24(SP), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	INCQ i-24(SP)
	CMPQ i-24(SP), $PARKERS
	JLE feed
	MOVQ $0, sum-32(SP)
	MOVQ $PARKERS, i-24(SP)
collect:
	MOVQ out-16(SP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	MOVQ 8(SP), AX
	ADDQ AX, sum-32(SP)
	DECQ i-24(SP)
	JNE collect
	MOVQ sum-32(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	RET
