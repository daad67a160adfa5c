// A goroutine blocked in a long C++ call does not keep its P: main·main starts a setter, then
// between runtime·entersyscall and runtime·exitsyscall sleeps (runtime·usleep) until the
// setter has set a flag. With one P the setter can only run once sysmon hands main's P to
// another M. Prints 1.
#include "textflag.h"

GLOBL ·flag(SB), NOPTR, $8

TEXT ·setter(SB), NOSPLIT, $0
	MOVQ $1, ·flag(SB)
	RET

DATA ·setterfv+0(SB)/8, $·setter(SB)
GLOBL ·setterfv(SB), RODATA, $8

TEXT ·main(SB), $16
	MOVL $0, 0(SP)
	LEAQ ·setterfv(SB), AX
	MOVQ AX, 8(SP)
	CALL runtime·newproc(SB)
	CALL runtime·entersyscall(SB)
wait:
	MOVL $100, 0(SP)
	CALL runtime·usleep(SB)
	MOVQ ·flag(SB), AX
	CMPQ AX, $0
	JEQ wait
	CALL runtime·exitsyscall(SB)
	MOVQ ·flag(SB), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	RET
