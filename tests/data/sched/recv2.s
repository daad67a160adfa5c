// v, ok := <-c until the channel is closed: a producer goroutine sends 1..100 on an
// unbuffered channel and closes it; main·main receives with runtime·chanrecv2, parking
// before most values (so the ok flag comes back through a wake-up, not only the fast path),
// and prints the sum (5050), the count of values (100) and the final ok flag (0).
#include "textflag.h"

// func producer(c unsafe.Pointer)
TEXT ·producer(SB), $24-8
	MOVQ $1, i-8(SP)
loop:
	MOVQ c+0(FP), AX
	MOVQ AX, 0(SP)
	MOVQ i-8(SP), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	INCQ i-8(SP)
	CMPQ i-8(SP), $100
	JLE loop
	MOVQ c+0(FP), AX
	MOVQ AX, 0(SP)
	CALL ·close(SB)
	RET

DATA ·producerfv+0(SB)/8, $·producer(SB)
GLOBL ·producerfv(SB), RODATA, $8

TEXT ·main(SB), $64
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, c-8(SP)
	LEAQ ·producerfv(SB), AX
	MOVQ AX, 0(SP)
	MOVQ c-8(SP), AX
	MOVQ AX, 8(SP)
	CALL ·go1(SB)
	MOVQ $0, sum-16(SP)
	MOVQ $0, n-24(SP)
next:
	MOVQ c-8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·recv2(SB)
	MOVBQZX 16(SP), AX
	MOVQ AX, ok-32(SP)
	CMPQ AX, $0
	JEQ done
	MOVQ 8(SP), AX
	ADDQ AX, sum-16(SP)
	INCQ n-24(SP)
	JMP next
done:
	MOVQ sum-16(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	MOVQ n-24(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	MOVQ ok-32(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	RET
