// An #ifdef without its #endif: Go reports it where the input ends.
#ifdef FOO
TEXT ·f(SB),$0
	RET
// ERROR "unclosed #ifdef or #ifndef"