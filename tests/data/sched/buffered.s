// Buffered channel: 10 values into a channel of capacity 10 without blocking, received in
// FIFO order; after close the remaining values still arrive, then zeros.
#include "textflag.h"

TEXT ·main(SB), $40
	MOVQ $8, 0(SP)
	MOVQ $10, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, c-8(SP)
	MOVQ $0, i-16(SP)
fill:
	MOVQ c-8(SP), AX
	MOVQ AX, 0(SP)
	MOVQ i-16(SP), AX
	IMULQ $11, AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	INCQ i-16(SP)
	CMPQ i-16(SP), $10
	JLT fill
	// receive 5, close, receive 7 more (5 values, then 2 zeros)
	MOVQ c-8(SP), AX
	MOVQ AX, 0(SP)
	MOVQ $5, 8(SP)
	CALL ·recvprint(SB)
	MOVQ c-8(SP), AX
	MOVQ AX, 0(SP)
	CALL ·close(SB)
	MOVQ $7, 8(SP)
	CALL ·recvprint(SB)
	RET
