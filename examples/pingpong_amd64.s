// Channel ping-pong: main·main and a second goroutine pass an integer back and forth over two
// unbuffered channels 100,000 times, each side adding one on its way; prints 200000.
//   gostack run -stats examples/pingpong_amd64.s
#include "textflag.h"

// func pong(in, out unsafe.Pointer): for { v := <-in; if v < 0 { return }; out <- v+1 }
TEXT ·pong(SB), $24-16
loop:
	MOVQ in+0(FP), AX
	MOVQ AX, 0(SP)
	LEAQ v-8(SP), AX
	MOVQ AX, 8(SP)
	CALL runtime·chanrecv1(SB)
	MOVQ v-8(SP), AX
	CMPQ AX, $0
	JLT done
	INCQ AX
	MOVQ AX, v-8(SP)
	MOVQ out+8(FP), AX
	MOVQ AX, 0(SP)
	LEAQ v-8(SP), AX
	MOVQ AX, 8(SP)
	CALL runtime·chansend1(SB)
	JMP loop
done:
	RET

DATA ·pongfv+0(SB)/8, $·pong(SB)
GLOBL ·pongfv(SB), RODATA, $8

// func makeint() unsafe.Pointer: an unbuffered channel of 8-byte values.
TEXT ·makeint(SB), $24-8
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL runtime·makechan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, ret+0(FP)
	RET

TEXT ·main(SB), $64
	CALL ·makeint(SB)
	MOVQ 0(SP), AX
	MOVQ AX, in-8(SP)
	CALL ·makeint(SB)
	MOVQ 0(SP), AX
	MOVQ AX, out-16(SP)
	// go pong(in, out)
	MOVL $16, 0(SP)
	LEAQ ·pongfv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ in-8(SP), AX
	MOVQ AX, 16(SP)
	MOVQ out-16(SP), AX
	MOVQ AX, 24(SP)
	CALL runtime·newproc(SB)
	MOVQ $0, v-24(SP)
	MOVQ $100000, n-32(SP)
loop:
	// in <- v+1; v = <-out
	INCQ v-24(SP)
	MOVQ in-8(SP), AX
	MOVQ AX, 0(SP)
	LEAQ v-24(SP), AX
	MOVQ AX, 8(SP)
	CALL runtime·chansend1(SB)
	MOVQ out-16(SP), AX
	MOVQ AX, 0(SP)
	LEAQ v-24(SP), AX
	MOVQ AX, 8(SP)
	CALL runtime·chanrecv1(SB)
	DECQ n-32(SP)
	JNE loop
	MOVQ v-24(SP), AX
	MOVQ AX, 0(SP)
	CALL runtime·printint(SB)
	CALL runtime·printnl(SB)
	// in <- -1: pong returns
	MOVQ $-1, v-24(SP)
	MOVQ in-8(SP), AX
	MOVQ AX, 0(SP)
	LEAQ v-24(SP), AX
	MOVQ AX, 8(SP)
	CALL runtime·chansend1(SB)
	RET
