// Two macros that expand to each other.
// SUMMARY: none
#define A B
#define B A
TEXT ·f(SB),$0
	MOVQ $A, AX // ERROR "recursive macro invocation"
	RET
