// A mnemonic that does not exist.
TEXT ·f(SB),$0
	FOOBAR AX // ERROR "unrecognized instruction \"FOOBAR\""
	RET
