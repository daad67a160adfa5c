// gostack's textflag.h: the flag words accepted on TEXT and GLOBL lines.
// Values are the ones Go 1.19's toolchain documents, so gostack sources and Go sources
// assemble to the same symbols. Combine flags with |, e.g. TEXT f(SB), NOSPLIT|NOFRAME, $0-8.

// Not profiled (historical; the toolchain ignores it).
#define NOPROF	1
// The linker may keep any one of several identical definitions of this symbol.
#define DUPOK	2
// No stack-split check in the prologue: the function must fit in the guard area.
#define NOSPLIT	4
// GLOBL: the data lives in the read-only section.
#define RODATA	8
// GLOBL: the data holds no pointers, so the garbage collector skips it.
#define NOPTR	16
// A wrapper function: hidden in tracebacks, and recover() looks through it.
#define WRAPPER 32
// The function takes a closure context in DX.
#define NEEDCTXT 64
// GLOBL: thread-local storage (TLS) block.
#define TLSBSS	256
// No frame set up even if the frame size is nonzero (the function manages SP itself).
#define NOFRAME 512
// The function may call reflect.Type.Method or MethodByName.
#define REFLECTMETHOD 1024
// Traceback stops here: the outermost frame of a goroutine or thread.
#define TOPFRAME 2048
// An ABI wrapper generated to bridge ABI0 and ABIInternal.
#define ABIWRAPPER 4096
