// With -e every error is reported, not just the first eleven.
// FLAGS: -e
TEXT ·f(SB),$0
	FOOBAR1 AX // ERROR "unrecognized instruction"
	FOOBAR2 AX // ERROR "unrecognized instruction"
	FOOBAR3 AX // ERROR "unrecognized instruction"
	FOOBAR4 AX // ERROR "unrecognized instruction"
	FOOBAR5 AX // ERROR "unrecognized instruction"
	FOOBAR6 AX // ERROR "unrecognized instruction"
	FOOBAR7 AX // ERROR "unrecognized instruction"
	FOOBAR8 AX // ERROR "unrecognized instruction"
	FOOBAR9 AX // ERROR "unrecognized instruction"
	FOOBAR10 AX // ERROR "unrecognized instruction"
	FOOBAR11 AX // ERROR "unrecognized instruction"
	FOOBAR12 AX // ERROR "unrecognized instruction"
	RET
