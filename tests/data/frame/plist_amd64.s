// What Go's Flushplist drops before the frame pass: instructions before the first TEXT
// and every END with its operands. N(PC) branches count Progs as the parser made them,
// ENDs included. (One that lands on an END has no target left: Go panics there, gostack
// reports "branch out of range".)
#include "textflag.h"

	NOP
	MOVQ	AX, BX

TEXT ·ends(SB), NOSPLIT, $0-0
	END	$1, BX
	JMP	2(PC)
	END
	NOP
	JMP	-1(PC)
	END	(AX)(BX*8), X1, Y2
	RET
