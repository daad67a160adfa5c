// Non-blocking channel operations (Go's select with a default case) on a channel of
// capacity 2: three selectnbsends (1 1 0: the third finds it full), len and cap (2 2),
// three selectnbrecvs (selected and received: 1 1, 1 1, then 0 0 on the empty channel),
// after close a selectnbrecv (1 0: selected, nothing received), and on a nil channel
// (0 for both calls, len 0, cap 0). Each result is printed on its own line.
#include "textflag.h"

// func trysend(c unsafe.Pointer, v int) (selected bool)
TEXT ·trysend(SB), $24-17
	MOVQ c+0(FP), AX
	MOVQ AX, 0(SP)
	LEAQ v+8(FP), AX
	MOVQ AX, 8(SP)
	CALL runtime·selectnbsend(SB)
	MOVBQZX 16(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	RET

// func tryrecv(c unsafe.Pointer): prints selected, received and (if received) the value
TEXT ·tryrecv(SB), $40-8
	MOVQ $-1, v-8(SP)
	LEAQ v-8(SP), AX
	MOVQ AX, 0(SP)
	MOVQ c+0(FP), AX
	MOVQ AX, 8(SP)
	CALL runtime·selectnbrecv(SB)
	MOVBQZX 17(SP), AX
	MOVQ AX, got-16(SP)
	MOVBQZX 16(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	MOVQ got-16(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	CMPQ got-16(SP), $0
	JEQ out
	MOVQ v-8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
out:
	RET

// func lencap(c unsafe.Pointer): prints len(c) and cap(c)
TEXT ·lencap(SB), $16-8
	MOVQ c+0(FP), AX
	MOVQ AX, 0(SP)
	CALL runtime·chanlen(SB)
	MOVQ 8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	MOVQ c+0(FP), AX
	MOVQ AX, 0(SP)
	CALL runtime·chancap(SB)
	MOVQ 8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	RET

TEXT ·main(SB), $32
	MOVQ $8, 0(SP)
	MOVQ $2, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, c-8(SP)
	MOVQ AX, 0(SP)
	MOVQ $11, 8(SP)
	CALL ·trysend(SB)
	MOVQ $22, 8(SP)
	CALL ·trysend(SB)
	MOVQ $33, 8(SP)
	CALL ·trysend(SB)
	CALL ·lencap(SB)
	CALL ·tryrecv(SB)
	CALL ·tryrecv(SB)
	CALL ·tryrecv(SB)
	CALL ·close(SB)
	MOVQ c-8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·tryrecv(SB)
	MOVQ $0, 0(SP)
	MOVQ $44, 8(SP)
	CALL ·trysend(SB)
	MOVQ $0, 0(SP)
	CALL ·tryrecv(SB)
	MOVQ $0, 0(SP)
	CALL ·lencap(SB)
	RET
