// Small runtime functions a program may call: runtime·GOMAXPROCS(0) (the number of Ps),
// runtime·NumCPU, two runtime·fastrand results (they differ: prints 1), runtime·memmove and
// runtime·memclrNoHeapPointers (a word moved up, the old one cleared: prints the word), and
// then runtime·GOMAXPROCS(3) on a different number of Ps, a fatal error.
#include "textflag.h"
GLOBL ·buf(SB), NOPTR, $32
TEXT ·main(SB), $32
	MOVQ $0, 0(SP)
	CALL runtime·GOMAXPROCS(SB)
	MOVQ 8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	CALL runtime·NumCPU(SB)
	MOVQ 0(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	CALL runtime·fastrand(SB)
	MOVL 0(SP), AX
	MOVL AX, r-8(SP)
	CALL runtime·fastrand(SB)
	MOVL 0(SP), BX
	MOVL r-8(SP), AX
	XORQ CX, CX
	CMPL AX, BX
	SETNE CX
	MOVQ CX, 0(SP)
	CALL ·println(SB)
	MOVQ $0x1122334455667788, AX
	MOVQ AX, ·buf(SB)
	LEAQ ·buf+8(SB), AX
	MOVQ AX, 0(SP)
	LEAQ ·buf(SB), AX
	MOVQ AX, 8(SP)
	MOVQ $8, 16(SP)
	CALL runtime·memmove(SB)
	LEAQ ·buf(SB), AX
	MOVQ AX, 0(SP)
	MOVQ $8, 8(SP)
	CALL runtime·memclrNoHeapPointers(SB)
	MOVQ ·buf(SB), AX
	ADDQ ·buf+8(SB), AX
	MOVQ AX, 0(SP)
	CALL runtime·printhex(SB)
	CALL runtime·printnl(SB)
	MOVQ $3, 0(SP)
	CALL runtime·GOMAXPROCS(SB)
	RET
