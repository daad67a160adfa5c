// Index scales are 1, 2, 4 or 8.
TEXT ·f(SB),$0
	MOVQ (AX)(BX*3), CX // ERROR "bad scale: 3"
	RET
