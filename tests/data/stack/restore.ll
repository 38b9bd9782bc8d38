; llvm.stacksave/llvm.stackrestore in the interpreter, by hand:
; @reuse: an alloca after a restore gets the address freed by the restore (returns 1);
; @stale: a load from an alloca freed by a restore traps;
; @bogus: a restore to a mark no stacksave of this call returned traps.
declare ptr @llvm.stacksave.p0()
declare void @llvm.stackrestore.p0(ptr)

define i32 @reuse(i64 %n) {
entry:
  %m = call ptr @llvm.stacksave.p0()
  %a = alloca i8, i64 %n, align 16
  store i8 1, ptr %a
  call void @llvm.stackrestore.p0(ptr %m)
  %b = alloca i8, i64 %n, align 16
  %same = icmp eq ptr %a, %b
  %r = zext i1 %same to i32
  ret i32 %r
}

define i32 @stale(i64 %n) {
entry:
  %m = call ptr @llvm.stacksave.p0()
  %a = alloca i32, i64 %n, align 16
  store i32 7, ptr %a
  call void @llvm.stackrestore.p0(ptr %m)
  %v = load i32, ptr %a
  ret i32 %v
}

define i32 @bogus(i64 %n) {
entry:
  %a = alloca i32, i64 %n, align 16
  %p = getelementptr i8, ptr %a, i64 -4096
  call void @llvm.stackrestore.p0(ptr %p)
  ret i32 0
}
