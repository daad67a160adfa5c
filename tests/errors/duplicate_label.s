// The same label twice in one function.
TEXT ·f(SB),$0
loop:
	NOP
loop:	RET // ERROR "label \"loop\" multiply defined"
