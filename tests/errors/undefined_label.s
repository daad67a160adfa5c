// A jump to a label that is never defined: Go reports it once the function ends.
TEXT ·f(SB),$0
	JMP nowhere
	RET
// ERROR "undefined label nowhere"