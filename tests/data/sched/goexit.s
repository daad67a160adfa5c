// runtime·Goexit and runtime·NumGoroutine: 10 goroutines each send their id on an unbuffered
// channel and then call Goexit from a nested function, so the send after it never happens.
// main·main counts the goroutines before it receives (11 with itself), receives the 10 ids
// (sum 55), and once they have run again counts again (1: all ended in Goexit). With
// -D MAINEXIT main·main then calls Goexit itself: the program dies in checkdead as Go does.
#include "textflag.h"

GLOBL ·c(SB), NOPTR, $8

TEXT ·quit(SB), $0-0
	CALL runtime·Goexit(SB)
	RET

// func child(id int): c <- id; quit(); c <- 1000 (never reached)
TEXT ·child(SB), $16-8
	MOVQ ·c(SB), AX
	MOVQ AX, 0(SP)
	MOVQ id+0(FP), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	CALL ·quit(SB)
	MOVQ ·c(SB), AX
	MOVQ AX, 0(SP)
	MOVQ $1000, 8(SP)
	CALL ·send(SB)
	RET

DATA ·childfv+0(SB)/8, $·child(SB)
GLOBL ·childfv(SB), RODATA, $8

// func count(): println(NumGoroutine())
TEXT ·count(SB), $8-0
	CALL runtime·NumGoroutine(SB)
	CALL ·println(SB)
	RET

TEXT ·main(SB), $32
	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, ·c(SB)
	MOVQ $10, i-8(SP)
spawn:
	LEAQ ·childfv(SB), AX
	MOVQ AX, 0(SP)
	MOVQ i-8(SP), AX
	MOVQ AX, 8(SP)
	CALL ·go1(SB)
	DECQ i-8(SP)
	JNE spawn
	// none can end before main receives from it: 11 goroutines
	MOVQ $0, sum-16(SP)
	CALL ·count(SB)
	MOVQ $10, i-8(SP)
collect:
	MOVQ ·c(SB), AX
	MOVQ AX, 0(SP)
	CALL ·recv(SB)
	MOVQ 8(SP), AX
	ADDQ AX, sum-16(SP)
	DECQ i-8(SP)
	JNE collect
	MOVQ sum-16(SP), AX
	MOVQ AX, 0(SP)
	CALL ·println(SB)
	// the children end as soon as they run again: yield until they have (on several Ps they
	// may still be on their way), at most 100000 times
	MOVQ $100000, i-8(SP)
settle:
	CALL runtime·Gosched(SB)
	CALL runtime·NumGoroutine(SB)
	CMPQ 0(SP), $1
	JEQ settled
	DECQ i-8(SP)
	JNE settle
settled:
	CALL ·count(SB)
#ifdef MAINEXIT
	CALL runtime·Goexit(SB)
#endif
	RET
