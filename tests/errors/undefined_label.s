// A jump to a label that is never defined. Go reports it once the file ends, yet still hands
// the function to its encoder, which rejects the jump left without a target; the run then
// ends with Go's message for a failure after the parse.
// SUMMARY: asm: assembly failed
TEXT ·f(SB),$0
	JMP nowhere	// ERROR "invalid instruction"
	RET
// ERROR "undefined label nowhere"