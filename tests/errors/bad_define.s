// A -D name that is not an identifier: Go rejects it before it opens the input, with its
// usage and exit status 2.
// FLAGS: -D 1x=2
// EXIT: 2
// STDERR: "asm: parsing -D: \"1\" is not a valid identifier name"
TEXT ·f(SB),$0
	RET
