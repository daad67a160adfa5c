// main·main for the seed's example (examples/printnl_amd64.s): calls printnl with and
// without NOSPLIT, so the program prints two newlines (to stderr, as Go's print builtins do).
//   gostack run examples/printnl_amd64.s examples/printnl_main_amd64.s
#include "textflag.h"

TEXT ·main(SB), $0
	CALL ·printnl_nosplit(SB)
	CALL ·printnl(SB)
	RET
