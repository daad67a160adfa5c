// Helpers shared by the scheduler test programs (loaded before each program): channel
// operations with values instead of pointers, so the programs stay short, and functions to
// grow a stack (deep) and to spin with a stack check (step).
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

// func recvprint(c unsafe.Pointer, n int): receives n values from c, printing each.
TEXT ·recvprint(SB), $16-16
next:
	MOVQ c+0(FP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	MOVQ 8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	DECQ n+8(FP)
	JNE next
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

// func gon(fv *funcval, n, a int): go fv(a), n times
TEXT ·gon(SB), $16-24
next:
	MOVQ fv+0(FP), AX
	MOVQ AX, 0(SP)
	MOVQ a+16(FP), AX
	MOVQ AX, 8(SP)
	CALL ·go1(SB)
	DECQ n+8(FP)
	JNE next
	RET

// func recvn(c unsafe.Pointer, n int): receives n values from c and drops them
TEXT ·recvn(SB), $16-16
next:
	MOVQ c+0(FP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	DECQ n+8(FP)
	JNE next
	RET

// func newchan() unsafe.Pointer: make(chan int)
TEXT ·newchan(SB), $24-8
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, ret+0(FP)
	RET

// func selectn(cases unsafe.Pointer, nsends, nrecvs int, block bool) (casi int, ok bool):
// runtime·selectgo over cases ([nsends+nrecvs]scase, at most 8) with an order scratch of
// its own, as the compiler's code for a select statement calls it
TEXT ·selectn(SB), $96-49
	MOVQ cases+0(FP), AX
	MOVQ AX, 0(SP)
	LEAQ order-32(SP), AX
	MOVQ AX, 8(SP)
	MOVQ $0, 16(SP)
	MOVQ nsends+8(FP), AX
	MOVQ AX, 24(SP)
	MOVQ nrecvs+16(FP), AX
	MOVQ AX, 32(SP)
	MOVB block+24(FP), AX
	MOVB AX, 40(SP)
	CALL runtime·selectgo(SB)
	MOVQ 48(SP), AX
	MOVQ AX, casi+32(FP)
	MOVB 56(SP), AX
	MOVB AX, ok+40(FP)
	RET

// func deep(n int): recurses n frames of 1 KiB each, growing the stack, and returns.
TEXT ·deep(SB), $1024-8
	MOVQ n+0(FP), AX
	CMPQ AX, $0
	JEQ done
	DECQ AX
	MOVQ AX, 0(SP)
	CALL ·deep(SB)
done:
	RET

TEXT ·nop(SB), NOSPLIT, $0
	RET

// func step(): not a leaf (a small leaf function would be made NOSPLIT, as Go does), so it
// has a prologue that checks stackguard0: a loop calling it can be preempted.
TEXT ·step(SB), $8
	CALL ·nop(SB)
	RET
