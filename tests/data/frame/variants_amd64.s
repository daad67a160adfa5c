// Frame-pass variants for the Go 1.19 oracle test (tests/unit/frame_oracle_test.cpp).
// flags: -p main
#include "textflag.h"
#include "funcdata.h"

// frame 16 + BP slot = 24 <= StackSmall: CMPQ SP, 16(R14)
TEXT ·small(SB), 0, $16-8
	CALL ·leaf(SB)
	RET

// no call: the leaf rule makes it NOSPLIT
TEXT ·leaf(SB), 0, $16-8
	MOVQ AX, 0(SP)
	RET

TEXT ·zero(SB), 0, $0-8
	CALL ·leaf(SB)
	RET

TEXT ·zeroleaf(SB), 0, $0-8
	RET

// 120+8 = 128 = StackSmall, and the imm8 -128 adjustments
TEXT ·edge120(SB), 0, $120-8
	CALL ·leaf(SB)
	RET

TEXT ·edge128(SB), 0, $128-8
	CALL ·leaf(SB)
	RET

TEXT ·big4088(SB), 0, $4088-8
	CALL ·leaf(SB)
	RET

TEXT ·huge(SB), 0, $5000-8
	CALL ·leaf(SB)
	RET

TEXT ·huge2(SB), 0, $70000-0
	CALL ·leaf(SB)
	RET

TEXT ·ctx(SB), NEEDCTXT, $16-8
	CALL ·leaf(SB)
	RET

TEXT ·wrap(SB), WRAPPER, $16-8
	CALL ·leaf(SB)
	RET

TEXT ·wrapnosplit(SB), NOSPLIT|WRAPPER, $0-8
	RET

TEXT ·wraphuge(SB), WRAPPER|NEEDCTXT, $6000-8
	CALL ·leaf(SB)
	RET

TEXT ·nosplit(SB), NOSPLIT, $16-8
	CALL ·leaf(SB)
	RET

TEXT ·noframe(SB), NOSPLIT|NOFRAME, $16-8
	CALL ·leaf(SB)
	RET

TEXT ·noframe0(SB), NOFRAME, $0-8
	CALL ·leaf(SB)
	RET

TEXT ·dupok(SB), DUPOK|NOSPLIT, $8
	RET

TEXT ·tworets(SB), 0, $16-8
	CMPQ AX, $0
	JEQ done
	RET
done:
	CALL ·leaf(SB)
	RET

// tail calls: RET to a symbol becomes JMP after the epilogue
TEXT ·tail(SB), 0, $16-8
	CMPQ AX, $0
	JEQ 2(PC)
	RET ·leaf(SB)
	JMP ·small(SB)

TEXT ·tailnoframe(SB), NOSPLIT, $0-8
	RET ·leaf(SB)

// argument-less runtime panics keep a function a leaf (DUFFZERO/DUFFCOPY too, but Go's
// encoder cannot assemble them from source) ...
TEXT ·panics(SB), 0, $32-16
	MOVQ a+0(FP), AX
	CMPQ AX, $10
	JLT ok
	CALL runtime·panicIndex(SB)
	CALL runtime·panicSliceAlen(SB)
	CALL runtime·panicdivide(SB)
ok:
	RET

// ... unless the frame is within 8 bytes of StackSmall
TEXT ·panics112(SB), 0, $112-0
	CALL runtime·panicshift(SB)
	RET

TEXT ·leaf104(SB), 0, $104-0
	CALL runtime·panicSlice3C(SB)
	RET

// pseudo-FP and pseudo-SP references
TEXT ·add(SB), NOSPLIT, $0-24
	MOVQ a+0(FP), AX
	MOVQ b+8(FP), BX
	ADDQ BX, AX
	MOVQ AX, ret+16(FP)
	RET

TEXT ·locals(SB), $24-16
	MOVQ a+0(FP), AX
	MOVQ AX, x-8(SP)
	MOVQ x-8(SP), BX
	LEAQ y-16(SP), CX
	MOVQ $z-24(SP), DX
	MOVQ $a+0(FP), DX
	MOVQ BX, ret+8(FP)
	MOVQ AX, 0(SP)
	MOVQ 8(SP), AX
	PUSHQ AX
	MOVQ a+0(FP), CX
	MOVQ CX, x-8(SP)
	POPQ AX
	PUSHFQ
	POPFQ
	PUSHW AX
	POPW AX
	CALL runtime·printnl(SB)
	RET

TEXT ·adjsp(SB), $16-8
	ADJSP $16
	MOVQ a+0(FP), AX
	MOVQ AX, x-8(SP)
	ADJSP $-16
	CALL ·leaf(SB)
	RET

TEXT ·spwrite(SB), NOSPLIT, $0-0
	MOVQ SP, AX
	MOVQ AX, SP
	RET

// frames written without an args size
TEXT ·noargs(SB), NOSPLIT, $8
	CALL runtime·printnl(SB)
	RET

TEXT ·noargs2(SB), $8
	CALL runtime·printnl(SB)
	RET

// static functions get no FUNCDATA; calls to them print without <>
TEXT sfn<>(SB), $8-0
	CALL ·leaf(SB)
	RET

TEXT ·callstatic(SB), $0-0
	CALL sfn<>(SB)
	JMP sfn<>(SB)

// source FUNCDATA: the placeholders and explicit ones suppress the added FUNCDATA
TEXT ·fd(SB), NOSPLIT, $0-8
	FUNCDATA $0, go_args_stackmap(SB)
	FUNCDATA $1, no_pointers_stackmap(SB)
	RET

TEXT ·fd2(SB), NOSPLIT, $0-8
	FUNCDATA $5, ·fd2arginfo(SB)
	PCDATA $0, $-2
	RET

TEXT ·fd3(SB), NOSPLIT, $0-8
	NO_LOCAL_POINTERS
	RET

// float constants, address moves, TLS forms
TEXT ·consts(SB), NOSPLIT, $0-0
	MOVSD $1.5, X0
	MOVSD $0.0, X1
	MOVSD $-0.0, X2
	MOVSS $2.5, X2
	MOVSS $0.0, X3
	ADDSD $1.5, X4
	MULSS $0.1, X5
	COMISD $3.0, X6
	UCOMISS $3.0, X7
	MOVQ $·consts(SB), AX
	MOVL $x-8(SP), AX
	MOVQ TLS, BX
	MOVQ 0(BX)(TLS*1), CX
	MOVQ CX, 8(BX)(TLS*1)
	MOVQ (TLS), DX
	MOVQ 8(TLS), DX
	RET

// branches by instruction number and to labels
TEXT ·branches(SB), NOSPLIT, $0-0
	JMP 2(PC)
	NOP
	JEQ -1(PC)
loop:
	DECQ AX
	JNE loop
	JMP end
	NOP
end:
	RET

TEXT ·empty(SB), NOSPLIT, $16-8

TEXT ·nobody(SB), $16-8
	JMP ·leaf(SB)

DATA ·tab+0(SB)/8, $1
DATA ·tab+8(SB)/8, $·leaf(SB)
GLOBL ·tab(SB), RODATA, $16
DATA msg<>+0(SB)/8, $"hello\n\x00\x01"
GLOBL msg<>(SB), NOPTR, $8
GLOBL ·bss(SB), $32
GLOBL ·nbss(SB), NOPTR|DUPOK, $8

// negative frames: laid out as 0 (plus the BP slot with a call), printed as written
TEXT ·negframe(SB), $-8-0
	CALL ·negframe(SB)
	RET

TEXT ·negframe2(SB), NOSPLIT, $-8
	RET

// NOFRAME without NOSPLIT: the check, no BP slot
TEXT ·noframecheck(SB), NOFRAME, $16-0
	MOVQ x-8(SP), AX
	CALL ·noframecheck(SB)
	RET

TEXT ·localzero(SB), $8-0
	MOVQ x-8(SP), AX
	CALL ·noframecheck(SB)
	RET
