// time·Sleep (runtime·timeSleep): main·main sleeps 20 ms and prints whether at least that
// much time passed by runtime·nanotime (1); sleeps of 0 and -1 ns return at once. Then four
// goroutines sleep 160, 40, 120 and 80 ms before each sends its number of 40 ms steps; they
// arrive in order of their wake-up times (a sleep sort). Prints 1, 1, 2, 3, 4.
#include "textflag.h"

GLOBL ·out(SB), NOPTR, $8

// func sleeper(v int): sleeps v * 40 ms, then sends v.
TEXT ·sleeper(SB), $16-8
	MOVQ v+0(FP), AX
	IMULQ $40000000, AX
	MOVQ AX, 0(SP)
	CALL time·Sleep(SB)
	MOVQ ·out(SB), AX
	MOVQ AX, 0(SP)
	MOVQ v+0(FP), AX
	MOVQ AX, 8(SP)
	CALL ·send(SB)
	RET

DATA ·sleeperfv+0(SB)/8, $·sleeper(SB)
GLOBL ·sleeperfv(SB), RODATA, $8

TEXT ·main(SB), $32
	CALL runtime·nanotime(SB)
	MOVQ 0(SP), AX
	MOVQ AX, t0-8(SP)
	MOVQ $20000000, 0(SP)
	CALL time·Sleep(SB)
	CALL runtime·nanotime(SB)
	MOVQ 0(SP), AX
	SUBQ t0-8(SP), AX
	XORQ BX, BX
	CMPQ AX, $20000000
	SETGE BX
	MOVQ BX, 0(SP)
	CALL ·println(SB)
	MOVQ $0, 0(SP)
	CALL runtime·timeSleep(SB)
	MOVQ $-1, 0(SP)
	CALL runtime·timeSleep(SB)

	MOVQ $8, 0(SP)
	MOVQ $0, 8(SP)
	CALL ·mkchan(SB)
	MOVQ 16(SP), AX
	MOVQ AX, ·out(SB)
	LEAQ ·sleeperfv(SB), AX
	MOVQ AX, 0(SP)
	MOVQ $4, 8(SP)
	CALL ·go1(SB)
	MOVQ $1, 8(SP)
	CALL ·go1(SB)
	MOVQ $3, 8(SP)
	CALL ·go1(SB)
	MOVQ $2, 8(SP)
	CALL ·go1(SB)
	MOVQ ·out(SB), AX
	MOVQ AX, 0(SP)
	MOVQ $4, 8(SP)
	CALL ·recvprint(SB)
	RET
