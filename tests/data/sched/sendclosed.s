// Send on a closed channel: Go's "panic: send on closed channel", a traceback, exit 2. With
// -D PARKED the sender is parked when the channel closes (the panic happens on wake-up).
#include "textflag.h"

// func sender(c unsafe.Pointer)
TEXT ·sender(SB), $16-8
	MOVQ c+0(FP), AX
	MOVQ AX, 0(SP)
	MOVQ $1, 8(SP)
	CALL ·send(SB)
	RET

DATA ·senderfv+0(SB)/8, $·sender(SB)
GLOBL ·senderfv(SB), RODATA, $8

TEXT ·main(SB), $32
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, c-8(SP)
#ifdef PARKED
	LEAQ ·senderfv(SB), AX
	MOVQ AX, 0(SP)
	MOVQ c-8(SP), AX
	MOVQ AX, 8(SP)
	CALL ·go1(SB)
	CALL runtime·Gosched(SB)
#endif
	MOVQ c-8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·close(SB)
#ifdef PARKED
	CALL runtime·Gosched(SB)
	MOVQ $99, 0(SP)
	CALL ·println(SB)
#else
	MOVQ c-8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·sender(SB)
#endif
	RET
