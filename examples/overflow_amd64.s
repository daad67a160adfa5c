// Stack overflow: unbounded recursion grows the stack until the next size would pass the
// limit (1 GB by default; -maxstack sets it), and the runtime ends the program as Go does:
// "runtime: goroutine stack exceeds N-byte limit", "fatal error: stack overflow", a
// traceback of the goroutine, exit status 2.
//   gostack run -maxstack 8388608 examples/overflow_amd64.s
#include "textflag.h"

TEXT ·forever(SB), $64-0
	CALL ·forever(SB)
	RET

TEXT ·main(SB), $0
	CALL ·forever(SB)
	RET
