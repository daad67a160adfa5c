// Go-syntax assembly called from main.cpp through gostack/abi0_call.h (all NOSPLIT: ABI0
// calls from C++ run on the thread stack, with no goroutine to grow it).
#include "textflag.h"
#include "scale.h"

// func add(a, b int64) int64
TEXT ·add(SB),NOSPLIT,$0-24
	MOVQ a+0(FP), AX
	ADDQ b+8(FP), AX
	MOVQ AX, ret+16(FP)
	RET

// func sum(xs []int64) int64: a loop over a slice (pointer, length, capacity)
TEXT ·sum(SB),NOSPLIT,$0-32
	MOVQ xs_base+0(FP), SI
	MOVQ xs_len+8(FP), CX
	XORQ AX, AX
loop:
	TESTQ CX, CX
	JEQ done
	ADDQ (SI), AX
	ADDQ $8, SI
	DECQ CX
	JMP loop
done:
	MOVQ AX, ret+24(FP)
	RET

// func scaled(x int64) int64: x * SCALE, SCALE from -D (gostack_add_asm DEFINES) or scale.h
TEXT ·scaled(SB),NOSPLIT,$0-16
	MOVQ x+0(FP), AX
	IMULQ $SCALE, AX
	MOVQ AX, ret+8(FP)
	RET
