// A file that includes itself: the include depth limit stops it.
// SUMMARY: none
#include "self_include.s"
// ERROR "input recursion"