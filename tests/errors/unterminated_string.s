// A string literal that runs to the end of the line.
DATA ·x+0(SB)/8, $"abc // ERROR "literal not terminated"
GLOBL ·x(SB), $8
