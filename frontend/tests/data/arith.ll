; Every integer binary operation with its flags, casts, freeze and icmp predicates.
define i64 @ops(i64 %a, i64 %b, i32 %c, i8 %d) {
entry:
  %add = add nuw nsw i64 %a, %b
  %sub = sub nsw i64 %a, %b
  %mul = mul nuw i64 %a, %b
  %udiv = udiv exact i64 %a, %b
  %sdiv = sdiv i64 %a, %b
  %urem = urem i64 %a, %b
  %srem = srem i64 %a, %b
  %and = and i64 %a, %b
  %or = or disjoint i64 %a, %b
  %xor = xor i64 %a, %b
  %shl = shl nuw nsw i64 %a, %b
  %lshr = lshr exact i64 %a, %b
  %ashr = ashr i64 %a, %b
  %z = zext nneg i32 %c to i64
  %s = sext i8 %d to i64
  %t = trunc nuw i64 %a to i32
  %t64 = zext i32 %t to i64
  %fr = freeze i64 %b
  %r0 = xor i64 %add, %sub
  %r1 = xor i64 %r0, %mul
  %r2 = xor i64 %r1, %udiv
  %r3 = xor i64 %r2, %sdiv
  %r4 = xor i64 %r3, %urem
  %r5 = xor i64 %r4, %srem
  %r6 = xor i64 %r5, %and
  %r7 = xor i64 %r6, %or
  %r8 = xor i64 %r7, %xor
  %r9 = xor i64 %r8, %shl
  %r10 = xor i64 %r9, %lshr
  %r11 = xor i64 %r10, %ashr
  %r12 = xor i64 %r11, %z
  %r13 = xor i64 %r12, %s
  %r14 = xor i64 %r13, %t64
  %r15 = xor i64 %r14, %fr
  ret i64 %r15
}

define i32 @cmps(i32 %a, i32 %b, ptr %p, ptr %q) {
entry:
  %c0 = icmp eq i32 %a, %b
  %c1 = icmp ne i32 %a, %b
  %c2 = icmp ugt i32 %a, %b
  %c3 = icmp uge i32 %a, %b
  %c4 = icmp ult i32 %a, %b
  %c5 = icmp ule i32 %a, %b
  %c6 = icmp sgt i32 %a, %b
  %c7 = icmp sge i32 %a, %b
  %c8 = icmp slt i32 %a, %b
  %c9 = icmp sle i32 %a, %b
  %cp = icmp ult ptr %p, %q
  %z0 = zext i1 %c0 to i32
  %z1 = zext i1 %c1 to i32
  %z2 = zext i1 %c2 to i32
  %z3 = zext i1 %c3 to i32
  %z4 = zext i1 %c4 to i32
  %z5 = zext i1 %c5 to i32
  %z6 = zext i1 %c6 to i32
  %z7 = zext i1 %c7 to i32
  %z8 = zext i1 %c8 to i32
  %z9 = zext i1 %c9 to i32
  %zp = zext i1 %cp to i32
  %s1 = shl i32 %z1, 1
  %s2 = shl i32 %z2, 2
  %s3 = shl i32 %z3, 3
  %s4 = shl i32 %z4, 4
  %s5 = shl i32 %z5, 5
  %s6 = shl i32 %z6, 6
  %s7 = shl i32 %z7, 7
  %s8 = shl i32 %z8, 8
  %s9 = shl i32 %z9, 9
  %sp = shl i32 %zp, 10
  %o1 = or i32 %z0, %s1
  %o2 = or i32 %o1, %s2
  %o3 = or i32 %o2, %s3
  %o4 = or i32 %o3, %s4
  %o5 = or i32 %o4, %s5
  %o6 = or i32 %o5, %s6
  %o7 = or i32 %o6, %s7
  %o8 = or i32 %o7, %s8
  %o9 = or i32 %o8, %s9
  %o10 = or i32 %o9, %sp
  %pi = ptrtoint ptr %p to i64
  %ip = inttoptr i64 %pi to ptr
  %same = icmp eq ptr %ip, %q
  %sel = select i1 %same, i32 %o10, i32 -1
  ret i32 %sel
}
