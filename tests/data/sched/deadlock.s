// Deadlock: main·main receives on a channel nobody sends on. Go prints
// "fatal error: all goroutines are asleep - deadlock!" and "goroutine 1 [chan receive]:".
#include "textflag.h"

TEXT ·main(SB), $24
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	RET
