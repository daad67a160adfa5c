// gostack's textflag.h: the TEXT/GLOBL flag names Go assembly uses, with Go 1.19's values.
// gostack finds this file without -I (go build passes -I $GOROOT/pkg/include for Go's copy).
// NOPROF: do not profile. DUPOK: the linker may keep any one of several definitions.
// NOSPLIT: no stack-split check. RODATA/NOPTR: read-only data / data without pointers.
// WRAPPER: adjusts panic.argp. NEEDCTXT: uses the closure context register (DX).
// TLSBSS: thread-local slot. NOFRAME: no frame setup even with a non-zero frame size.
// REFLECTMETHOD: may call reflect.Type.Method. TOPFRAME: outermost frame. ABIWRAPPER: ABI wrapper.
#define NOPROF	1
#define DUPOK	2
#define NOSPLIT	4
#define RODATA	8
#define NOPTR	16
#define WRAPPER 32
#define NEEDCTXT 64
#define TLSBSS	256
#define NOFRAME 512
#define REFLECTMETHOD 1024
#define TOPFRAME 2048
#define ABIWRAPPER 4096
