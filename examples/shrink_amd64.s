// Growth then shrink: a 4,000-frame recursion grows the stack to 4 MiB; after it returns,
// each runtime·GC scans the stack and halves it while less than a quarter is in use, down
// to the 2 KiB floor (11 of the 12 scans shrink: 4 MiB -> 2 KiB). A second goroutine, started
// with runtime·newproc and an argument, grows and exits; its G is reused for a third.
//   gostack run -stats -debug=stack examples/shrink_amd64.s
#include "textflag.h"

// func deep(n int)
TEXT ·deep(SB), $1024-8
	MOVQ n+0(FP), AX
	CMPQ AX, $0
	JEQ done
	DECQ AX
	MOVQ AX, 0(SP)
	CALL ·deep(SB)
done:
	RET

// func worker(n int): grows its stack, prints n.
TEXT ·worker(SB), $8-8
	MOVQ $100, 0(SP)
	CALL ·deep(SB)
	MOVQ n+0(FP), AX
	MOVQ AX, 0(SP)
	CALL runtime·printint(SB)
	CALL runtime·printnl(SB)
	RET

DATA ·workerfv+0(SB)/8, $·worker(SB)
GLOBL ·workerfv(SB), RODATA, $8

// go worker(n): newproc(siz int32, fn *funcval, n int)
TEXT ·spawn(SB), $24-8
	MOVL $8, 0(SP)
	LEAQ ·workerfv(SB), AX
	MOVQ AX, 8(SP)
	MOVQ n+0(FP), AX
	MOVQ AX, 16(SP)
	CALL runtime·newproc(SB)
	RET

TEXT ·main(SB), $8
	MOVQ $1, 0(SP)
	CALL ·spawn(SB)
	CALL runtime·Gosched(SB)
	MOVQ $2, 0(SP)
	CALL ·spawn(SB)
	CALL runtime·Gosched(SB)
	MOVQ $4000, 0(SP)
	CALL ·deep(SB)
	MOVQ $12, CX
loop:
	MOVQ CX, 0(SP)
	CALL runtime·GC(SB)
	MOVQ 0(SP), CX
	DECQ CX
	JNE loop
	RET
