; tessera-entry: odd_widths(i64, i64) -> i64
; tessera-run: 123456789 -987654321
; tessera-run: 0 0
; tessera-run: -1 -1
; tessera-run: -9223372036854775808 9223372036854775807
;
; Hand-written LLVM IR on integer widths C never produces: i3, i17 and i33 arithmetic (add,
; mul, sdiv/srem/udiv/urem of negative values, shifts by in-range amounts, signed and
; unsigned compares) and i1 arithmetic, with sign and zero extensions back to i64. Every
; result must wrap at its own width. Divisors are ORed with 3, so never zero; the run lines
; avoid MIN / -1.

define i64 @odd_widths(i64 %a, i64 %b) {
entry:
  ; i17
  %a17 = trunc i64 %a to i17
  %b17 = trunc i64 %b to i17
  %d17 = or i17 %b17, 3              ; odd, never 0 or -1
  %s17 = add i17 %a17, %b17
  %m17 = mul i17 %a17, %b17
  %q17 = sdiv i17 %a17, %d17
  %r17 = srem i17 %a17, %d17
  %uq17 = udiv i17 %a17, %d17
  %ur17 = urem i17 %a17, %d17
  %sh17 = and i17 %b17, 15
  %ashr17 = ashr i17 %a17, %sh17
  %lshr17 = lshr i17 %a17, %sh17
  %shl17 = shl i17 %a17, %sh17
  %lt17 = icmp slt i17 %a17, %b17
  %ult17 = icmp ult i17 %a17, %b17

  ; i33
  %a33 = trunc i64 %a to i33
  %b33 = trunc i64 %b to i33
  %d33 = or i33 %b33, 3
  %s33 = sub i33 %a33, %b33
  %m33 = mul i33 %a33, %a33
  %q33 = sdiv i33 %a33, %d33
  %r33 = srem i33 %a33, %d33
  %sh33 = and i33 %a33, 31
  %ashr33 = ashr i33 %b33, %sh33
  %x33 = xor i33 %m33, %ashr33

  ; i3
  %a3 = trunc i64 %a to i3
  %b3 = trunc i64 %b to i3
  %s3 = add i3 %a3, %b3
  %m3 = mul i3 %s3, %b3
  %gt3 = icmp sgt i3 %m3, %a3

  ; i1
  %x1 = xor i1 %lt17, %ult17
  %y1 = add i1 %x1, %gt3
  %z1 = and i1 %y1, %lt17
  %w1 = sub i1 %z1, %ult17

  ; fold everything into 64 bits
  %e0 = sext i17 %s17 to i64
  %e1 = zext i17 %m17 to i64
  %e2 = sext i17 %q17 to i64
  %e3 = sext i17 %r17 to i64
  %e4 = zext i17 %uq17 to i64
  %e5 = zext i17 %ur17 to i64
  %e6 = sext i17 %ashr17 to i64
  %e7 = zext i17 %lshr17 to i64
  %e8 = zext i17 %shl17 to i64
  %e9 = sext i33 %s33 to i64
  %e10 = sext i33 %q33 to i64
  %e11 = sext i33 %r33 to i64
  %e12 = zext i33 %x33 to i64
  %e13 = sext i3 %m3 to i64
  %e14 = sext i1 %w1 to i64
  %e15 = zext i1 %x1 to i64

  %f0 = mul i64 %e0, 31
  %f1 = xor i64 %f0, %e1
  %f2 = mul i64 %f1, 31
  %f3 = add i64 %f2, %e2
  %f4 = mul i64 %f3, 31
  %f5 = xor i64 %f4, %e3
  %f6 = mul i64 %f5, 31
  %f7 = add i64 %f6, %e4
  %f8 = mul i64 %f7, 31
  %f9 = xor i64 %f8, %e5
  %f10 = mul i64 %f9, 31
  %f11 = add i64 %f10, %e6
  %f12 = mul i64 %f11, 31
  %f13 = xor i64 %f12, %e7
  %f14 = mul i64 %f13, 31
  %f15 = add i64 %f14, %e8
  %f16 = mul i64 %f15, 31
  %f17 = xor i64 %f16, %e9
  %f18 = mul i64 %f17, 31
  %f19 = add i64 %f18, %e10
  %f20 = mul i64 %f19, 31
  %f21 = xor i64 %f20, %e11
  %f22 = mul i64 %f21, 31
  %f23 = add i64 %f22, %e12
  %f24 = mul i64 %f23, 31
  %f25 = xor i64 %f24, %e13
  %f26 = mul i64 %f25, 31
  %f27 = add i64 %f26, %e14
  %f28 = shl i64 %f27, 1
  %f29 = or i64 %f28, %e15
  ret i64 %f29
}
