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

// func recv2(c unsafe.Pointer) (v int, ok bool): v, ok := <-c
TEXT ·recv2(SB), $24-17
	MOVQ c+0(FP), AX
	MOVQ AX, 0(SP)
	LEAQ v+8(FP), AX
	MOVQ AX, 8(SP)
	CALL runtime·chanrecv2(SB)
	MOVB 16(SP), AX
	MOVB AX, ok+16(FP)
	RET

// func go1(fv *funcval, a int): go fv(a)
TEXT ·go1(SB), $24-16
	MOVL $8, 0(SP)
	MOVQ fv+0(FP), AX
	MOVQ AX, 8(SP)
	MOVQ a+8(FP), AX
	MOVQ AX, 16(SP)
	CALL runtime·newproc(SB)
	RET
