// An unknown command-line flag: usage and exit status 2.
// FLAGS: -nosuchflag
// EXIT: 2
// STDERR: "flag provided but not defined: -nosuchflag"
TEXT ·f(SB),$0
	RET
