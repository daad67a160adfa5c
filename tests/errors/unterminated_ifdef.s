// An #ifdef without its #endif: Go reports it where the input ends.
// SUMMARY: none
#ifdef FOO
TEXT ·f(SB),$0
	RET
// ERROR "unclosed #ifdef or #ifndef"