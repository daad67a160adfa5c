// Preemption through the stack guard: on one P, main·main starts a setter and then spins in
// a loop that calls a function with a stack-split prologue until the setter has set a flag.
// The setter can only run when sysmon marks main (running > 10 ms) and main's next prologue
// yields. Prints 1.
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
spin:
	CALL ·step(SB)
	MOVQ ·flag(SB), AX
	CMPQ AX, $0
	JEQ spin
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	RET
