// The seed document's example: a function with an 8-byte frame calling runtime·printnl,
// once with NOSPLIT (no stack check) and once with the inserted stack-split prologue.
// See the listing: gostack asm -S -p main examples/printnl_amd64.s
#include "textflag.h"

TEXT ·printnl_nosplit(SB), NOSPLIT, $8
	CALL runtime·printnl(SB)
	RET

TEXT ·printnl(SB), $8
	CALL runtime·printnl(SB)
	RET
