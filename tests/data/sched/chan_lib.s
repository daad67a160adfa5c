// Helpers shared by the scheduler test programs (loaded before each program): channel
// operations with values instead of pointers, so the programs stay short.
#include "textflag.h"

// func mkchan(elemsize, size int) unsafe.Pointer
TEXT ·mkchan(SB), $24-24
	MOVQ es+0(FP), AX
	MOVQ AX, 0(SP)
	MOVQ n+8(FP), AX
	MOVQ AX, 8(SP)
	CALL runtime·makechan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, ret+16(FP)
	RET

// func send(c unsafe.Pointer, v int): c <- v
TEXT ·send(SB), $16-16
	MOVQ c+0(FP), AX
	MOVQ AX, 0(SP)
	LEAQ v+8(FP), AX
	MOVQ AX, 8(SP)
	CALL runtime·chansend1(SB)
	RET

// func recv(c unsafe.Pointer) int: <-c
TEXT ·recv(SB), $16-16
	MOVQ c+0(FP), AX
	MOVQ AX, 0(SP)
	LEAQ ret+8(FP), AX
	MOVQ AX, 8(SP)
	CALL runtime·chanrecv1(SB)
	RET

// func close(c unsafe.Pointer)
TEXT ·close(SB), $8-8
	MOVQ c+0(FP), AX
	MOVQ AX, 0(SP)
	CALL runtime·closechan(SB)
	RET

// func println(v int)
TEXT ·println(SB), $8-8
	MOVQ v+0(FP), AX
	MOVQ AX, 0(SP)
	CALL runtime·printint(SB)
	CALL runtime·printnl(SB)
	RET
