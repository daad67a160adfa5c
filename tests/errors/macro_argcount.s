// A function-like macro called with the wrong number of arguments.
// SUMMARY: none
#define F(a, b) a+b
TEXT ·f(SB),$0
	MOVQ $F(1), AX // ERROR "wrong arg count for macro F"
	RET
