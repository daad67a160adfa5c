// Stack growth: main·main passes a pointer to its own local down 70,000 frames of ~1 KiB
// (the stack grows from 2 KiB to 128 MiB by copying), the deepest frame reads the local
// through the pointer and increments it, and every frame counts itself on the way back.
// Prints 70042 (42 + 70000 frames) and 43 (the local, changed through the moved pointer).
//   gostack run -stats examples/growth_amd64.s
#include "textflag.h"

// func rec(n int, p *int) int
TEXT ·rec(SB), $1024-24
	MOVQ n+0(FP), AX
	CMPQ AX, $0
	JEQ base
	DECQ AX
	MOVQ AX, 0(SP)
	MOVQ p+8(FP), BX
	MOVQ BX, 8(SP)
	CALL ·rec(SB)
	MOVQ 16(SP), AX
	INCQ AX
	MOVQ AX, ret+16(FP)
	RET
base:
	MOVQ p+8(FP), BX
	MOVQ (BX), AX
	INCQ (BX)
	MOVQ AX, ret+16(FP)
	RET

TEXT ·main(SB), $32
	MOVQ $42, x-8(SP)
	MOVQ $70000, 0(SP)
	LEAQ x-8(SP), AX
	MOVQ AX, 8(SP)
	CALL ·rec(SB)
	MOVQ 16(SP), AX
	MOVQ AX, 0(SP)
	CALL runtime·printint(SB)
	CALL runtime·printnl(SB)
	MOVQ x-8(SP), AX
	MOVQ AX, 0(SP)
	CALL runtime·printint(SB)
	CALL runtime·printnl(SB)
	RET
