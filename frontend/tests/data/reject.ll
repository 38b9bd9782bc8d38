; Each function uses one construct tessera rejects; tests pick them as entries.
define double @f(double %x, double %y) {
entry:
  %add = fadd double %x, %y
  ret double %add
}

define i32 @vec(<4 x i32> %v) {
entry:
  %e = extractelement <4 x i32> %v, i32 0
  ret i32 %e
}

define i32 @indirect(ptr %fp, i32 %x) {
entry:
  %r = call i32 %fp(i32 %x)
  ret i32 %r
}

define i32 @asm(i32 %x) {
entry:
  %r = call i32 asm "bswap $0", "=r,0"(i32 %x)
  ret i32 %r
}

define i32 @fact(i32 %n) {
entry:
  %z = icmp eq i32 %n, 0
  br i1 %z, label %base, label %rec

base:
  ret i32 1

rec:
  %m = sub i32 %n, 1
  %r = call i32 @fact(i32 %m)
  %p = mul i32 %n, %r
  ret i32 %p
}

define i1 @even(i32 %n) {
entry:
  %z = icmp eq i32 %n, 0
  br i1 %z, label %yes, label %no

yes:
  ret i1 true

no:
  %m = sub i32 %n, 1
  %r = call i1 @odd(i32 %m)
  ret i1 %r
}

define i1 @odd(i32 %n) {
entry:
  %z = icmp eq i32 %n, 0
  br i1 %z, label %yes, label %no

yes:
  ret i1 false

no:
  %m = sub i32 %n, 1
  %r = call i1 @even(i32 %m)
  ret i1 %r
}

define i1 @calls_even(i32 %n) {
entry:
  %r = call i1 @even(i32 %n)
  ret i1 %r
}

declare i32 @getenv_len(ptr)

@hello = private constant [3 x i8] c"hi\00"

define i32 @external() {
entry:
  %r = call i32 @getenv_len(ptr @hello)
  ret i32 %r
}

define void @fnptr(ptr %slot) {
entry:
  store ptr @fact, ptr %slot, align 8
  ret void
}

@callbacks = global [1 x ptr] [ptr @f]

define ptr @fn_in_global() {
entry:
  %p = load ptr, ptr @callbacks, align 8
  ret ptr %p
}

define i64 @vector_scalarised(ptr %p) {
entry:
  %v = load <2 x i64>, ptr %p, align 8
  %w = add <2 x i64> %v, <i64 1, i64 2>
  store <2 x i64> %w, ptr %p, align 8
  %e = extractelement <2 x i64> %w, i32 1
  ret i64 %e
}

define i32 @atomic(ptr %p) {
entry:
  %r = atomicrmw add ptr %p, i32 1 seq_cst
  ret i32 %r
}
