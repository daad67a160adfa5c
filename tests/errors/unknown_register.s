// A register amd64 does not have.
TEXT ·f(SB),$0
	MOVQ $1, R99 // ERROR "illegal or missing addressing mode for symbol R99"
	RET
