; Overflow intrinsics split into a plain operation and an overflow bit; aggregates split
; through insertvalue/extractvalue, phi and select; value intrinsics; traps.
define i32 @checked_mul(i32 %a, i32 %b) {
entry:
  %r = call { i32, i1 } @llvm.umul.with.overflow.i32(i32 %a, i32 %b)
  %v = extractvalue { i32, i1 } %r, 0
  %o = extractvalue { i32, i1 } %r, 1
  %s = select i1 %o, i32 0, i32 %v
  %r2 = call { i32, i1 } @llvm.sadd.with.overflow.i32(i32 %s, i32 %b)
  %o2 = extractvalue { i32, i1 } %r2, 1
  %v2 = extractvalue { i32, i1 } %r2, 0
  %s2 = select i1 %o2, i32 1, i32 %v2
  ret i32 %s2
}

define i64 @pairs(i1 %c, i64 %x, i64 %y) {
entry:
  %p0 = insertvalue { i64, i64 } poison, i64 %x, 0
  %p1 = insertvalue { i64, i64 } %p0, i64 %y, 1
  br i1 %c, label %a, label %b

a:
  %q = insertvalue { i64, i64 } %p1, i64 7, 0
  %u = call i64 @opaque(i64 %x)
  br label %j

b:
  %w = call i64 @opaque(i64 %y)
  br label %j

j:
  %ph = phi { i64, i64 } [ %q, %a ], [ %p1, %b ]
  %k = phi i64 [ %u, %a ], [ %w, %b ]
  %sel = select i1 %c, { i64, i64 } %ph, { i64, i64 } { i64 1, i64 2 }
  %e0 = extractvalue { i64, i64 } %sel, 0
  %e1 = extractvalue { i64, i64 } %ph, 1
  %r = add i64 %e0, %e1
  %r2 = add i64 %r, %k
  ret i64 %r2
}

define i64 @opaque(i64 %x) {
  %y = mul i64 %x, 3
  ret i64 %y
}

define i32 @values(i32 %a, i32 %b, i32 %c) {
entry:
  %e = call i32 @llvm.expect.i32(i32 %a, i32 0)
  %ok = icmp ne i32 %b, 7
  call void @llvm.assume(i1 %ok)
  %x1 = call i32 @llvm.umin.i32(i32 %e, i32 %b)
  %x2 = call i32 @llvm.umax.i32(i32 %x1, i32 %c)
  %x3 = call i32 @llvm.smin.i32(i32 %x2, i32 %a)
  %x4 = call i32 @llvm.smax.i32(i32 %x3, i32 %b)
  %x5 = call i32 @llvm.abs.i32(i32 %x4, i1 false)
  %x6 = call i32 @llvm.ctpop.i32(i32 %x5)
  %x7 = call i32 @llvm.ctlz.i32(i32 %x6, i1 false)
  %x8 = call i32 @llvm.cttz.i32(i32 %x7, i1 true)
  %x9 = call i32 @llvm.bswap.i32(i32 %x8)
  %x10 = call i32 @llvm.fshl.i32(i32 %x9, i32 %a, i32 %b)
  %x11 = call i32 @llvm.fshr.i32(i32 %x10, i32 %a, i32 %c)
  %x12 = call i32 @llvm.uadd.sat.i32(i32 %x11, i32 %a)
  %x13 = call i32 @llvm.ssub.sat.i32(i32 %x12, i32 %b)
  %x14 = call i8 @llvm.ucmp.i8.i32(i32 %x13, i32 %c)
  %x15 = call i8 @llvm.scmp.i8.i32(i32 %x13, i32 %a)
  %y14 = sext i8 %x14 to i32
  %y15 = sext i8 %x15 to i32
  %r = add i32 %y14, %y15
  %r2 = add i32 %r, %x13
  ret i32 %r2
}

declare void @_ZN4core9panicking5panic17h0123456789abcdefE(ptr, i64, ptr) noreturn nounwind

define i32 @div(i32 %a, i32 %b) {
entry:
  %z = icmp eq i32 %b, 0
  br i1 %z, label %panic, label %ok

ok:
  %q = udiv i32 %a, %b
  %big = icmp ugt i32 %q, 1000
  br i1 %big, label %trap, label %done

trap:
  call void @llvm.trap()
  unreachable

done:
  ret i32 %q

panic:
  call void @_ZN4core9panicking5panic17h0123456789abcdefE(ptr null, i64 0, ptr null)
  unreachable
}

declare { i32, i1 } @llvm.umul.with.overflow.i32(i32, i32)
declare { i32, i1 } @llvm.sadd.with.overflow.i32(i32, i32)
declare i32 @llvm.expect.i32(i32, i32)
declare void @llvm.assume(i1)
declare i32 @llvm.umin.i32(i32, i32)
declare i32 @llvm.umax.i32(i32, i32)
declare i32 @llvm.smin.i32(i32, i32)
declare i32 @llvm.smax.i32(i32, i32)
declare i32 @llvm.abs.i32(i32, i1)
declare i32 @llvm.ctpop.i32(i32)
declare i32 @llvm.ctlz.i32(i32, i1)
declare i32 @llvm.cttz.i32(i32, i1)
declare i32 @llvm.bswap.i32(i32)
declare i32 @llvm.fshl.i32(i32, i32, i32)
declare i32 @llvm.fshr.i32(i32, i32, i32)
declare i32 @llvm.uadd.sat.i32(i32, i32)
declare i32 @llvm.ssub.sat.i32(i32, i32)
declare i8 @llvm.ucmp.i8.i32(i32, i32)
declare i8 @llvm.scmp.i8.i32(i32, i32)
declare void @llvm.trap()
