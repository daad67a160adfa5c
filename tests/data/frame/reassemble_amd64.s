// Span re-assembly: forward branches that overflow their short form make the encoder
// assemble the function again (twice for `cascade`, whose second branch only overflows once
// the first has grown), with PC-relative, call and TLS relocations and immediates after
// the displacement in between, for tests/unit/frame_oracle_test.cpp.
// flags: -p main
#include "textflag.h"

// 53 bytes, a relocation in most of its instructions.
#define BLOCK \
	MOVQ ·counter(SB), AX; \
	LEAQ table<>(SB), BX; \
	CMPQ ·counter(SB), $7; \
	ADDL $0x12345, table<>+8(SB); \
	CALL ·leaf(SB); \
	CALL AX; \
	MOVQ (TLS), CX; \
	VPADDQ Y1, Y2, Y3; \
	BYTE $0x90

DATA table<>+0(SB)/8, $1
DATA table<>+8(SB)/8, $2
GLOBL table<>(SB), RODATA, $16
GLOBL ·counter(SB), NOPTR, $8

TEXT ·leaf(SB), NOSPLIT, $0-0
	RET

TEXT ·far(SB), $24-8
	MOVQ x+0(FP), AX
	TESTQ AX, AX
	JEQ done
	JMP body
back:
	DECQ AX
body:
	BLOCK
	BLOCK
	BLOCK
	BLOCK
	BLOCK
	BLOCK
	JNE back
	JLT body
done:
	RET

TEXT ·cascade(SB), NOSPLIT, $0-0
	JEQ end
	JMP second
	MOVQ ·counter(SB), AX
	CMPQ ·counter(SB), $7
	CALL ·leaf(SB)
	LEAQ table<>(SB), BX
	MOVQ (TLS), CX
	// 88 bytes: the block is 124, and JEQ reaches `end` short until JMP grows
	BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90
	BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90
	BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90
	BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90
	BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90
	BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90
	BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90
	BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90
	BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90
	BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90
	BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90; BYTE $0x90
end:
	MOVQ $0x12345678, AX
second:
	RET
