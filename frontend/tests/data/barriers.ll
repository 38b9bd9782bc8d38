; Optimisation barriers: empty inline assembly (with or without inputs and clobbers) and
; llvm.prefetch convert to nothing; asm with an output or a non-empty template does not.
declare void @llvm.prefetch.p0(ptr, i32, i32, i32)

define i32 @barriers(ptr %p, i32 %x) {
  call void asm sideeffect "", "~{memory},~{dirflag},~{fpsr},~{flags}"()
  call void asm sideeffect "  ", "r,~{memory}"(i32 %x)
  call void @llvm.prefetch.p0(ptr %p, i32 0, i32 3, i32 1)
  %y = add i32 %x, 1
  ret i32 %y
}

define i32 @asm_output(i32 %x) {
  %r = call i32 asm "", "=r,0"(i32 %x)
  ret i32 %r
}

define void @asm_nonempty() {
  call void asm sideeffect "nop", ""()
  ret void
}
