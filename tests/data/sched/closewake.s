// Close wakes every parked receiver with a zero value: 5 goroutines block receiving on an
// unbuffered channel (elements of 8 bytes, preset to 7 in each receiver), main·main closes
// it, each receiver sends what it got (0) plus its id on a done channel; main prints the sum
// of ids (15) and of values (0).
#include "textflag.h"

// func waiter(c, done unsafe.Pointer, id int)
TEXT ·waiter(SB), $24-24
	MOVQ $7, v-8(SP)
	MOVQ c+0(FP), AX
	MOVQ AX, 0(SP)
	LEAQ v-8(SP), AX
	MOVQ AX, 8(SP)
	CALL runtime·chanrecv1(SB)
	MOVQ v-8(SP), AX
	IMULQ $1000, AX
	ADDQ id+16(FP), AX
	MOVQ done+8(FP), BX
	MOVQ BX, 0(SP)
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	RET

DATA ·waiterfv+0(SB)/8, $·waiter(SB)
GLOBL ·waiterfv(SB), RODATA, $8

TEXT ·main(SB), $80
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, c-8(SP)
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, done-16(SP)
	MOVQ $5, i-24(SP)
spawn:
	MOVL $24, 0(SP)
	LEAQ ·waiterfv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ c-8(SP), AX
	MOVQ AX, 16(SP)
	MOVQ done-16(SP), AX
	MOVQ AX, 24(SP)
	MOVQ i-24(SP), AX
	MOVQ AX, 32(SP)
	CALL runtime·newproc(SB)
	DECQ i-24(SP)
	JNE spawn
	// Let them all park (on one P they run in turn until each blocks).
	CALL runtime·Gosched(SB)
	MOVQ c-8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·close(SB)
	MOVQ $0, sum-32(SP)
	MOVQ $5, i-24(SP)
collect:
	MOVQ done-16(SP), AX
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
