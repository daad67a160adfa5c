// Fan-out/fan-in: a feeder sends jobs 1..N on a buffered channel, W workers square them and
// send the squares on one unbuffered channel, main·main sums N results. N and W come from
// -D (defaults 1000 and 8). Prints the sum (N(N+1)(2N+1)/6).
#include "textflag.h"
#ifndef N
#define N 1000
#endif
#ifndef W
#define W 8
#endif

// func feeder(jobs unsafe.Pointer): sends 1..N, then W times -1.
TEXT ·feeder(SB), $24-8
	MOVQ $1, i-8(SP)
loop:
	MOVQ jobs+0(FP), AX
	MOVQ AX, 0(SP)
	MOVQ i-8(SP), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	INCQ i-8(SP)
	CMPQ i-8(SP), $N
	JLE loop
	MOVQ $W, i-8(SP)
stop:
	MOVQ jobs+0(FP), AX
	MOVQ AX, 0(SP)
	MOVQ $-1, 8(SP)
	CALL ·send(SB)
	DECQ i-8(SP)
	JNE stop
	RET

// func worker(jobs, results unsafe.Pointer)
TEXT ·worker(SB), $16-16
loop:
	MOVQ jobs+0(FP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	MOVQ 8(SP), AX
	CMPQ AX, $0
	JLT done
	IMULQ AX, AX
	MOVQ results+8(FP), BX
	MOVQ BX, 0(SP)
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	JMP loop
done:
	RET

DATA ·feederfv+0(SB)/8, $·feeder(SB)
GLOBL ·feederfv(SB), RODATA, $8
DATA ·workerfv+0(SB)/8, $·worker(SB)
GLOBL ·workerfv(SB), RODATA, $8

TEXT ·main(SB), $64
	MOVQ $8, 0(SP)
	MOVQ $16, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, jobs-8(SP)
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, results-16(SP)
	MOVQ $W, i-24(SP)
spawn:
	MOVL $16, 0(SP)
	LEAQ ·workerfv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ jobs-8(SP), AX
	MOVQ AX, 16(SP)
	MOVQ results-16(SP), AX
	MOVQ AX, 24(SP)
	CALL runtime·newproc(SB)
	DECQ i-24(SP)
	JNE spawn
	MOVL $8, 0(SP)
	LEAQ ·feederfv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ jobs-8(SP), AX
	MOVQ AX, 16(SP)
	CALL runtime·newproc(SB)
	MOVQ $0, sum-32(SP)
	MOVQ $N, i-24(SP)
collect:
	MOVQ results-16(SP), AX
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
