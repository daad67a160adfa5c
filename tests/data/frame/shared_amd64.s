// The frame pass under -shared: the g load and TLS accesses keep the two-instruction
// form, for tests/unit/frame_oracle_test.cpp.
// flags: -p main -shared
#include "textflag.h"

TEXT ·small(SB), $16-8
	CALL ·leaf(SB)
	RET

TEXT ·leaf(SB), NOSPLIT, $0-8
	MOVQ TLS, BX
	MOVQ 0(BX)(TLS*1), CX
	MOVQ (TLS), DX
	RET

TEXT ·wrap(SB), WRAPPER|NOSPLIT, $0-8
	RET
