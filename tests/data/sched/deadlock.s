// Deadlock: main·main receives on a channel nobody sends on. Go prints
// "fatal error: all goroutines are asleep - deadlock!" and "goroutine 1 [chan receive]:".
// With -D SLEEPFIRST it sleeps 30 ms first: a sleeping goroutine is not a deadlock, even
// though every M is idle meanwhile.
#include "textflag.h"

TEXT ·main(SB), $24
#ifdef SLEEPFIRST
	MOVQ $30000000, 0(SP)
	CALL time·Sleep(SB)
#endif
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	RET
