// Frame-pass cases that need -compiling-runtime (ABIInternal) and package runtime
// (special function IDs), for tests/unit/frame_oracle_test.cpp.
// flags: -p runtime -compiling-runtime
#include "textflag.h"

TEXT ·leaf(SB), NOSPLIT, $0-0
	RET

// ABIInternal requires NOSPLIT in asm; with WRAPPER g comes from R14, no load
TEXT ·abiint<ABIInternal>(SB), NOSPLIT|WRAPPER, $16-8
	CALL ·leaf(SB)
	RET

TEXT ·abiint0<ABIInternal>(SB), NOSPLIT, $0-8
	RET

// functions the runtime recognises by name
TEXT ·morestack(SB), NOSPLIT|NOFRAME, $0-0
	RET

TEXT ·systemstack_switch(SB), NOSPLIT, $0-0
	RET

TEXT ·mcall(SB), NOSPLIT, $0-8
	RET

TEXT ·deferreturn(SB), NOSPLIT, $0-0
	RET

TEXT runtime·goexit(SB), NOSPLIT|TOPFRAME, $0-0
	RET

TEXT ·notspecial(SB), $8-0
	CALL ·leaf(SB)
	RET

TEXT ·reflectcall(SB), REFLECTMETHOD|NOSPLIT, $0-0
	RET
