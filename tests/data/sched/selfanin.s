// A select-based fan-in with a quit channel (Go's select statement through runtime·selectgo):
// two producers send 1..100 and 1001..1100 on channels a and b, then tell main on done; a
// merger selects over a, b and quit, summing what arrives, and on quit sends its sum and
// count to main. Prints 110100 and 200, as the same program does under Go 1.19.
#include "textflag.h"

// func producer(c unsafe.Pointer, base, n int, done unsafe.Pointer)
TEXT ·producer(SB), $24-32
	MOVQ $1, i-8(SP)
loop:
	MOVQ c+0(FP), AX
	MOVQ AX, 0(SP)
	MOVQ base+8(FP), AX
	ADDQ i-8(SP), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	INCQ i-8(SP)
	MOVQ i-8(SP), AX
	CMPQ AX, n+16(FP)
	JLE loop
	MOVQ done+24(FP), AX
	MOVQ AX, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·send(SB)
	RET

// func merge(a, b, quit, out unsafe.Pointer):
//	for { select { case v := <-a: sum += v; n++  case v := <-b: sum += v; n++
//	               case <-quit: out <- sum; out <- n; return } }
// The cases ([3]scase, receives only) and the order scratch ([6]uint16) are locals, as the
// compiler lays them out.
TEXT ·merge(SB), $152-32
	MOVQ $0, sum-8(SP)
	MOVQ $0, n-16(SP)
loop:
	MOVQ a+0(FP), AX
	MOVQ AX, c0-88(SP)
	LEAQ v-24(SP), AX
	MOVQ AX, e0-80(SP)
	MOVQ b+8(FP), AX
	MOVQ AX, c1-72(SP)
	LEAQ v-24(SP), AX
	MOVQ AX, e1-64(SP)
	MOVQ quit+16(FP), AX
	MOVQ AX, c2-56(SP)
	MOVQ $0, e2-48(SP)
	LEAQ c0-88(SP), AX
	MOVQ AX, 0(SP)
	LEAQ order-40(SP), AX
	MOVQ AX, 8(SP)
	MOVQ $0, 16(SP)
	MOVQ $0, 24(SP)
	MOVQ $3, 32(SP)
	MOVB $1, 40(SP)
	CALL runtime·selectgo(SB)
	CMPQ 48(SP), $2
	JEQ quit
	MOVQ v-24(SP), AX
	ADDQ AX, sum-8(SP)
	INCQ n-16(SP)
	JMP loop
quit:
	MOVQ out+24(FP), AX
	MOVQ AX, 0(SP)
	MOVQ sum-8(SP), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	MOVQ out+24(FP), AX
	MOVQ AX, 0(SP)
	MOVQ n-16(SP), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	RET

DATA ·producerfv+0(SB)/8, $·producer(SB)
GLOBL ·producerfv(SB), RODATA, $8
DATA ·mergefv+0(SB)/8, $·merge(SB)
GLOBL ·mergefv(SB), RODATA, $8

TEXT ·main(SB), $88
	CALL ·newchan(SB)
	MOVQ 0(SP), AX
	MOVQ AX, a-8(SP)
	CALL ·newchan(SB)
	MOVQ 0(SP), AX
	MOVQ AX, b-16(SP)
	CALL ·newchan(SB)
	MOVQ 0(SP), AX
	MOVQ AX, quit-24(SP)
	CALL ·newchan(SB)
	MOVQ 0(SP), AX
	MOVQ AX, out-32(SP)
	CALL ·newchan(SB)
	MOVQ 0(SP), AX
	MOVQ AX, done-40(SP)
	// go producer(a, 0, 100, done); go producer(b, 1000, 100, done)
	MOVL $32, 0(SP)
	LEAQ ·producerfv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ a-8(SP), AX
	MOVQ AX, 16(SP)
	MOVQ $0, 24(SP)
	MOVQ $100, 32(SP)
	MOVQ done-40(SP), AX
	MOVQ AX, 40(SP)
	CALL runtime·newproc(SB)
	MOVL $32, 0(SP)
	LEAQ ·producerfv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ b-16(SP), AX
	MOVQ AX, 16(SP)
	MOVQ $1000, 24(SP)
	MOVQ $100, 32(SP)
	MOVQ done-40(SP), AX
	MOVQ AX, 40(SP)
	CALL runtime·newproc(SB)
	// go merge(a, b, quit, out)
	MOVL $32, 0(SP)
	LEAQ ·mergefv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ a-8(SP), AX
	MOVQ AX, 16(SP)
	MOVQ b-16(SP), AX
	MOVQ AX, 24(SP)
	MOVQ quit-24(SP), AX
	MOVQ AX, 32(SP)
	MOVQ out-32(SP), AX
	MOVQ AX, 40(SP)
	CALL runtime·newproc(SB)
	MOVQ done-40(SP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	CALL ·recv(SB)
	MOVQ quit-24(SP), AX
	MOVQ AX, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·send(SB)
	MOVQ out-32(SP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	MOVQ 8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	MOVQ out-32(SP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	MOVQ 8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	RET
