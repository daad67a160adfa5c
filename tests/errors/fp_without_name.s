// An FP reference needs a name: a+8(FP), not 8(FP).
TEXT ·f(SB),$0-16
	MOVQ 8(FP), AX // ERROR "cannot reference FP without a symbol"
	RET
