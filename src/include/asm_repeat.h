/* asm_repeat.h: "for_each_n MACRO, FROM, TO" invokes MACRO n for every n
 * from FROM to TO, for tables of entry stubs.  Recursion depth is the span,
 * so callers keep spans to 64 or fewer. */
#ifndef HVB_ASM_REPEAT_H
#define HVB_ASM_REPEAT_H

	.altmacro
.macro for_each_n name, from, to
	\name %from
	.if \to-\from
	for_each_n \name, %(from+1), \to
	.endif
.endm

#endif /* HVB_ASM_REPEAT_H */
